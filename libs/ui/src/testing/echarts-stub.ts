// jsdom draws no canvas, and echarts ships ES modules only: component specs get this stand-in for
// `echarts/*` and stub the ngx-echarts directive (the e2e suite draws the real charts).
export const use = (): void => undefined;
export const BarChart = {};
export const LineChart = {};
export const GridComponent = {};
export const LegendComponent = {};
export const TooltipComponent = {};
export const CanvasRenderer = {};
