import type { AdminStats } from '@onward/task-domain';
import type { Scale } from 'chart.js';

import { durationsChartData, runsChartData, runsChartOptions } from './dashboard-charts';
import { durationsSummary, runsSummary } from './dashboard-format';

const LABELS = { started: 'Started', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' };

const stats = (minutes: number): AdminStats => ({
  window: '1h',
  buckets: Array.from({ length: minutes }, (_, i) => ({
    at: new Date(Date.UTC(2026, 2, 10, 12, i)).toISOString(),
    started: i,
    completed: 2 * i,
    failed: 1,
    cancelled: 0,
  })),
  tasks: [{ task: 'sales-report', runs: 4, failed: 1, p50Ms: 1200, p95Ms: null }],
  topErrors: [],
  queued: 0,
  running: 0,
});

describe('dashboard charts', () => {
  it('draws started runs as a line of its own stack over the stacked finished runs', () => {
    const data = runsChartData(stats(2), LABELS, (at) => at.slice(11, 16));
    expect(data.labels).toEqual(['12:00', '12:01']);
    expect(data.datasets.map((d) => [d.type, d.label, d.stack, d.data])).toEqual([
      ['line', 'Started', 'started', [0, 1]],
      ['bar', 'Completed', 'finished', [0, 2]],
      ['bar', 'Failed', 'finished', [1, 1]],
      ['bar', 'Cancelled', 'finished', [0, 0]],
    ]);
    expect(runsChartData(null, LABELS, String).datasets.every((d) => d.data.length === 0)).toBe(true);
  });

  it('labels at most 8 points of the time axis, whatever the number of buckets', () => {
    const tick = runsChartOptions()?.scales?.['x']?.ticks?.callback as (
      this: Scale,
      value: number,
      index: number,
    ) => string | undefined;
    for (const count of [7, 24, 60, 168]) {
      const labels = Array.from({ length: count }, (_, i) => `t${i}`);
      const scale = { chart: { data: { labels } }, getLabelForValue: (i: number) => labels[i] } as unknown as Scale;
      const shown = labels.map((_, i) => tick.call(scale, i, i)).filter((l) => l !== undefined);
      expect(shown.length).toBeLessThanOrEqual(8);
      expect(shown[0]).toBe('t0');
    }
  });

  it('gives p50 and p95 per task, a missing percentile as a gap', () => {
    const data = durationsChartData(stats(1), 'p50', 'p95');
    expect(data.labels).toEqual(['sales-report']);
    expect(data.datasets.map((d) => d.data)).toEqual([[1200], [null]]);
  });

  it('tells the text alternatives from the datasets handed to the chart, not from the statistics', () => {
    const runs = runsChartData(stats(3), LABELS, String);
    expect(runsSummary(runs, '1 hour')).toBe(
      'Runs per bucket over 1 hour: 3 started, 6 completed, 3 failed, 0 cancelled; at most 2 started in one bucket.',
    );
    // What the chart draws is what the words say: change a drawn number and the sentence follows.
    runs.datasets[3].data[1] = 5;
    runs.datasets[0].data[0] = 7;
    expect(runsSummary(runs, '1 hour')).toContain('10 started, 6 completed, 3 failed, 5 cancelled; at most 7 started');
    expect(runsSummary(runsChartData(null, LABELS, String), '1 hour')).toContain('0 started');

    const durations = durationsChartData(stats(1), 'p50', 'p95');
    expect(durationsSummary(durations, 'en')).toBe('Durations per task: sales-report: p50 1.2 s, p95 –.');
    durations.datasets[1].data[0] = 350;
    expect(durationsSummary(durations, 'en')).toBe('Durations per task: sales-report: p50 1.2 s, p95 350 ms.');
    expect(durationsSummary(durationsChartData(null, 'p50', 'p95'), 'en')).toBe(
      'Durations per task: no finished runs in this window.',
    );
  });
});
