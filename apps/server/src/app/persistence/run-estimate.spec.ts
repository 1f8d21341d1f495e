import { estimateOf, type EstimatedRun, withDurations } from './run-estimate';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const running = (percent: number | null, elapsedMs: number, total?: number): [EstimatedRun, number] => [
  {
    status: 'running',
    progressPercent: percent,
    startedAt: new Date(T0).toISOString(),
    scheduler: total === undefined ? null : { total },
  },
  T0 + elapsedMs,
];
const history = { runs: 10, meanMs: 60_000, p90Ms: 90_000 };

describe('estimateOf', () => {
  it.each([
    // percent, elapsed, history, expected
    [50, 30_000, null, { remainingMs: 30_000, basis: 'progress' }],
    [25, 10_000, null, { remainingMs: 30_000, basis: 'progress' }],
    [100, 10_000, null, { remainingMs: 0, basis: 'progress' }],
    // Under 20 %, the run's own rate is blended with the history: 10 % at 1 s says 9 s, history 59 s.
    [10, 1_000, history, { remainingMs: Math.round(0.5 * 9_000 + 0.5 * 59_000), basis: 'progress' }],
    [40, 1_000, history, { remainingMs: 1_500, basis: 'progress' }],
    // No progress yet: the history, less what has elapsed; past the mean, the slow end (p90).
    [null, 20_000, history, { remainingMs: 40_000, basis: 'history' }],
    [0, 70_000, history, { remainingMs: 20_000, basis: 'history' }],
    [null, 100_000, history, null],
    [null, 1_000, null, null],
  ])('running at %p %% after %p ms (history %p) → %p', (percent, elapsed, known, expected) => {
    const [run, now] = running(percent, elapsed);
    expect(estimateOf(run, known, now)).toEqual(expected);
  });

  it('estimates a queued run from its history and its wait, a scheduler from its rows', () => {
    const queued = { status: 'queued' as const, progressPercent: null, startedAt: null, scheduler: null };
    expect(estimateOf(queued, history, T0)).toEqual({ remainingMs: 60_000, basis: 'history' });
    expect(estimateOf(queued, history, T0, 120_000)).toEqual({ remainingMs: 180_000, basis: 'history' });
    expect(estimateOf(queued, null, T0)).toBeNull();
    expect(estimateOf({ ...queued, scheduler: { total: 5 } }, history, T0)).toEqual({
      remainingMs: 300_000,
      basis: 'history',
    });
    const [scheduler, now] = running(null, 100_000, 5);
    expect(estimateOf(scheduler, history, now)).toEqual({ remainingMs: 200_000, basis: 'history' });
  });

  it('says nothing of finished or cancelling runs', () => {
    for (const status of ['completed', 'failed', 'cancelled', 'cancelling'] as const) {
      const [run, now] = running(50, 1_000);
      expect(estimateOf({ ...run, status }, history, now)).toBeNull();
    }
  });
});

describe('withDurations', () => {
  it('starts at the first duration, and follows a change of pace within about ten runs', () => {
    expect(withDurations(null, [])).toBeNull();
    expect(withDurations(null, [1_000])).toEqual({ runs: 1, meanMs: 1_000, p90Ms: 1_000 });
    const slower = withDurations({ runs: 50, meanMs: 1_000, p90Ms: 1_200 }, Array(10).fill(2_000));
    expect(slower?.runs).toBe(60);
    expect(slower?.meanMs).toBeGreaterThan(1_850);
    expect(slower?.meanMs).toBeLessThan(2_000);
  });

  it('settles its 90th percentile where about a tenth of the durations lie above it', () => {
    // 1,000 durations, 10 % of them at 10 s and the rest at 1 s, in a fixed interleaving.
    const durations = Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? 10_000 : 1_000));
    const stats = withDurations(null, durations);
    expect(stats?.p90Ms).toBeGreaterThanOrEqual(stats?.meanMs ?? Infinity);
    const above = durations.filter((d) => d > (stats?.p90Ms ?? 0)).length / durations.length;
    expect(above).toBeLessThanOrEqual(0.1);
  });
});
