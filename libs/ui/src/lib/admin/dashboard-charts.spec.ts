import type { AdminStats } from '@onward/task-domain';
import type { Scale } from 'chart.js';

import { durationsChartData, runsChartData, runsChartOptions } from './dashboard-charts';

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
});
