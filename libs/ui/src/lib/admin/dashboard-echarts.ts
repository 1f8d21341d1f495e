/**
 * ECharts for ngx-echarts, tree-shaken: `echarts/core` with only the two chart types, the components
 * and the canvas renderer that the dashboard uses (the whole `echarts` package is several times the
 * size).
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The echarts core handed to `provideEchartsCore`. */
export const dashboardEcharts = echarts;
