import { bucketLowerMs, bucketOf, bucketUpperMs, DURATION_BUCKETS, percentileMs } from './duration-histogram';

function histogramOf(durations: number[]): number[] {
  const counts = new Array<number>(DURATION_BUCKETS).fill(0);
  for (const d of durations) counts[bucketOf(d)]++;
  return counts;
}

describe('duration histogram', () => {
  it('puts each duration between its bucket’s bounds', () => {
    for (const d of [0, 0.5, 1, 1.4, 1.5, 2, 3, 100, 999, 1000, 1001, 60_000, 3_600_000]) {
      const i = bucketOf(d);
      expect(d).toBeGreaterThanOrEqual(bucketLowerMs(i));
      expect(d).toBeLessThan(bucketUpperMs(i));
    }
  });

  it('keeps durations beyond the last bound in the last bucket', () => {
    expect(bucketOf(1e12)).toBe(DURATION_BUCKETS - 1);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  it('interpolates percentiles within the bucket resolution', () => {
    const durations = Array.from({ length: 1000 }, (_, i) => 100 + i * 10); // 100 … 10,090 ms, uniform
    const counts = histogramOf(durations);
    const exact = (q: number): number => durations[Math.ceil(q * durations.length) - 1];
    for (const q of [0.5, 0.95, 0.99]) {
      const estimate = percentileMs(counts, q) ?? 0;
      expect(Math.abs(estimate - exact(q)) / exact(q)).toBeLessThan(Math.SQRT2 - 1);
    }
  });

  it('answers a single duration with a value in its bucket, and null for no runs', () => {
    const counts = histogramOf([250]);
    const p50 = percentileMs(counts, 0.5) ?? 0;
    expect(p50).toBeGreaterThanOrEqual(Math.floor(bucketLowerMs(bucketOf(250))));
    expect(p50).toBeLessThanOrEqual(Math.ceil(bucketUpperMs(bucketOf(250))));
    expect(percentileMs(new Array<number>(DURATION_BUCKETS).fill(0), 0.5)).toBeNull();
  });
});
