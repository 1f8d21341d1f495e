/**
 * Run durations as counts in fixed log-scale buckets, two per power of two (a bucket's upper bound is
 * √2 times its lower one), from 1 ms to about 2.3 h; the last bucket holds everything longer.
 * Chosen over a t-digest because counts add: each process adds its own deltas to a row with one SQL
 * upsert, and a window's histogram is a SUM over its rows, so no digest is ever read back and merged
 * in memory. A percentile interpolated within its bucket is off by at most the bucket's width (±19 %
 * of the value, and usually far less); enough for a dashboard.
 */

/** Number of buckets (columns `d0` … `d47`). */
export const DURATION_BUCKETS = 48;

/** The column names, in bucket order. */
export const DURATION_COLUMNS: readonly string[] = Array.from({ length: DURATION_BUCKETS }, (_, i) => `d${i}`);

/** Upper bound (ms, exclusive) of bucket `i`: 2^(i/2); bucket 0 is [0, 1 ms). */
export function bucketUpperMs(i: number): number {
  return Math.pow(2, i / 2);
}

/** Lower bound (ms) of bucket `i`. */
export function bucketLowerMs(i: number): number {
  return i === 0 ? 0 : Math.pow(2, (i - 1) / 2);
}

/** The bucket a duration falls into. */
export function bucketOf(durationMs: number): number {
  if (!(durationMs >= 1)) return 0;
  // The smallest i with durationMs < 2^(i/2).
  const i = Math.floor(2 * Math.log2(durationMs)) + 1;
  return Math.min(i, DURATION_BUCKETS - 1);
}

/**
 * The `q`-quantile (0–1) of the durations counted in `counts`, interpolated within its bucket
 * (geometrically: the buckets are log-scale); null for an empty histogram.
 */
export function percentileMs(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    if (n === 0) continue;
    if (below + n >= rank) {
      const lower = bucketLowerMs(i);
      // Beyond the last bound there is no upper one: its lower bound is the honest answer.
      if (i === DURATION_BUCKETS - 1) return Math.round(lower);
      const fraction = Math.min(1, Math.max(0, (rank - below) / n));
      const upper = bucketUpperMs(i);
      const value = i === 0 ? upper * fraction : lower * Math.pow(upper / lower, fraction);
      return Math.round(value);
    }
    below += n;
  }
  return Math.round(bucketLowerMs(DURATION_BUCKETS - 1));
}
