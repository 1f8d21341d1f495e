/**
 * The dashboard's charts in Chart.js terms. A chart's options are made once; a refresh hands it new
 * `data` only (ng2-charts' `data` input: the chart keeps its canvas and scales and redraws once).
 */
import type { AdminStats } from '@onward/task-domain';
import {
  BarController,
  BarElement,
  CategoryScale,
  type ChartComponentLike,
  type ChartData,
  type ChartOptions,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ChartDataset,
  type Scale,
  Tooltip,
} from 'chart.js';

/** What the two charts draw with (Chart.js registers only what is listed: the bundle stays small). */
export const DASHBOARD_CHART_PARTS: ChartComponentLike[] = [
  BarController,
  LineController,
  BarElement,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
];

/** Labels on the time axis of the runs chart, at most (one per 10 minutes of the hour's 60 buckets). */
const LABELS = 8;

/** Status colours of the runs chart (the widget's status tones). */
const COLOURS = {
  started: '#1565c0',
  completed: '#2e7d32',
  failed: '#c62828',
  cancelled: '#757575',
} satisfies Record<RunsSeries, string>;
const P50 = '#5c6bc0';
const P95 = '#ef6c00';

/** The runs chart's series, in the order of its datasets. */
export const RUNS_SERIES = ['started', 'completed', 'failed', 'cancelled'] as const;
export type RunsSeries = (typeof RUNS_SERIES)[number];
export type RunsChartLabels = Record<RunsSeries, string>;

export type RunsChartData = ChartData<'bar', number[], string>;
export type DurationsChartData = ChartData<'bar', (number | null)[], string>;

/**
 * Every n-th time label of the runs chart, so that at most `LABELS` are drawn: a fixed interval spares
 * the chart measuring every label to choose one on each update.
 */
function everyNthLabel(this: Scale, value: string | number, index: number): string | undefined {
  const count = this.chart.data.labels?.length ?? 0;
  const every = Math.max(1, Math.ceil(count / LABELS));
  return index % every === 0 ? this.getLabelForValue(Number(value)) : undefined;
}

/**
 * What both charts share: no animation (a live refresh redraws at once), the box's size, the legend on
 * top, and a tooltip of every series at the hovered category.
 */
function commonOptions(): ChartOptions<'bar'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'top' }, tooltip: { mode: 'index', intersect: false } },
  };
}

/** The runs chart's options: finished runs as stacked bars, started runs as a line over them. */
export function runsChartOptions(): ChartOptions<'bar'> {
  return {
    ...commonOptions(),
    scales: {
      x: { stacked: true, ticks: { autoSkip: false, maxRotation: 0, callback: everyNthLabel } },
      y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
    },
  };
}

/** The numbers of the runs chart: one dataset per series of `RUNS_SERIES`, in that order. */
export function runsChartData(
  stats: AdminStats | null,
  labels: RunsChartLabels,
  label: (at: string) => string,
): RunsChartData {
  const buckets = stats?.buckets ?? [];
  return {
    labels: buckets.map((b) => label(b.at)),
    datasets: RUNS_SERIES.map((series): ChartDataset<'bar', number[]> => {
      const data = buckets.map((b) => b[series]);
      const color = COLOURS[series];
      if (series !== 'started')
        return {
          type: 'bar',
          label: labels[series],
          data,
          stack: 'finished',
          backgroundColor: color,
          borderColor: color,
        };
      // A mixed chart (Chart.js: a dataset's own `type`); its types name one chart type for all datasets.
      return {
        type: 'line',
        label: labels.started,
        data,
        // A stack of its own: the line is the started runs, not a layer over the finished ones.
        stack: 'started',
        borderColor: color,
        backgroundColor: color,
        pointRadius: 0,
        borderWidth: 2,
      } satisfies ChartDataset<'line', number[]> as unknown as ChartDataset<'bar', number[]>;
    }),
  };
}

/**
 * The numbers a runs chart was handed, by series: what its text alternative tells, so that the words
 * say what the bars draw.
 */
export function runsSeries(data: RunsChartData): Record<RunsSeries, number[]> {
  const values = (series: RunsSeries): number[] => data.datasets[RUNS_SERIES.indexOf(series)]?.data ?? [];
  return {
    started: values('started'),
    completed: values('completed'),
    failed: values('failed'),
    cancelled: values('cancelled'),
  };
}

/** The durations chart's options: p50 and p95 per task as horizontal bars (ms). */
export function durationsChartOptions(): ChartOptions<'bar'> {
  return {
    ...commonOptions(),
    indexAxis: 'y',
    scales: { x: { beginAtZero: true, title: { display: true, text: 'ms' } } },
  };
}

/** The numbers of the durations chart: one category per task, the datasets p50 then p95 (ms). */
export function durationsChartData(stats: AdminStats | null, p50: string, p95: string): DurationsChartData {
  const tasks = stats?.tasks ?? [];
  return {
    labels: tasks.map((t) => t.task),
    datasets: [
      { label: p50, data: tasks.map((t) => t.p50Ms), backgroundColor: P50, borderColor: P50 },
      { label: p95, data: tasks.map((t) => t.p95Ms), backgroundColor: P95, borderColor: P95 },
    ],
  };
}

/** One task's bars in a durations chart. */
export interface TaskDurations {
  task: string;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The numbers a durations chart was handed, per task: what its text alternative tells. */
export function durationsSeries(data: DurationsChartData): TaskDurations[] {
  const [p50, p95] = data.datasets;
  return (data.labels ?? []).map((task, i) => ({
    task,
    p50Ms: p50?.data[i] ?? null,
    p95Ms: p95?.data[i] ?? null,
  }));
}
