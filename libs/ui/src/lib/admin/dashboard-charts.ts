/**
 * The dashboard's chart options. A chart's base option is set once; new numbers go in through
 * `setOption` with merge (ngx-echarts' `merge` input), so an update never re-creates the chart.
 */
import type { AdminStats } from '@onward/task-domain';
import type { EChartsCoreOption as Option } from 'echarts/core';

/** Labels on the time axis of the runs chart, at most (one per 10 minutes of the hour's 60 buckets). */
const LABELS = 8;

/** Status colours of the runs chart (the widget's status tones). */
const COLOURS = { started: '#1565c0', completed: '#2e7d32', failed: '#c62828', cancelled: '#757575' };

export interface RunsChartLabels {
  started: string;
  completed: string;
  failed: string;
  cancelled: string;
}

/** The runs chart without numbers: finished runs as stacked bars, started runs as a line. */
export function runsChartBase(labels: RunsChartLabels): Option {
  const bar = (name: string, color: string) => ({ name, type: 'bar', stack: 'finished', color, data: [] });
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 24 },
    xAxis: { type: 'category', data: [] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: labels.started, type: 'line', color: COLOURS.started, showSymbol: false, data: [] },
      bar(labels.completed, COLOURS.completed),
      bar(labels.failed, COLOURS.failed),
      bar(labels.cancelled, COLOURS.cancelled),
    ],
  };
}

/** The numbers of the runs chart, merged into its base. */
export function runsChartData(stats: AdminStats, label: (at: string) => string): Option {
  return {
    // A fixed label interval: left to ECharts, every update measures all labels to choose one.
    xAxis: {
      data: stats.buckets.map((b) => label(b.at)),
      axisLabel: { interval: Math.max(0, Math.ceil(stats.buckets.length / LABELS) - 1) },
    },
    series: [
      { data: stats.buckets.map((b) => b.started) },
      { data: stats.buckets.map((b) => b.completed) },
      { data: stats.buckets.map((b) => b.failed) },
      { data: stats.buckets.map((b) => b.cancelled) },
    ],
  };
}

/** The durations chart without numbers: p50 and p95 per task, as horizontal bars (ms). */
export function durationsChartBase(p50: string, p95: string): Option {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
    xAxis: { type: 'value', name: 'ms' },
    yAxis: { type: 'category', data: [] },
    series: [
      { name: p50, type: 'bar', color: '#5c6bc0', data: [] },
      { name: p95, type: 'bar', color: '#ef6c00', data: [] },
    ],
  };
}

export function durationsChartData(stats: AdminStats): Option {
  return {
    yAxis: { data: stats.tasks.map((t) => t.task) },
    series: [{ data: stats.tasks.map((t) => t.p50Ms) }, { data: stats.tasks.map((t) => t.p95Ms) }],
  };
}
