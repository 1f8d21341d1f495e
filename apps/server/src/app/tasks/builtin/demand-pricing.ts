/**
 * The pricing rule of `recalculate-prices`: a product that sells above its category's average over
 * the last year costs a little more than its list price, one that sells below costs a little less.
 */

/** Price change per unit of relative demand: selling twice the average raises the price by 10 %. */
const SENSITIVITY = 0.1;
const MAX_MARKUP = 0.15;
const MAX_DISCOUNT = 0.1;
/** The demand that counts is that of the year before the cut-off date. */
export const DEMAND_WINDOW_DAYS = 365;

/** The demand-adjusted price in cents; the list price when there is nothing to compare with. */
export function demandPrice(basePriceCents: number, unitsSold: number, averageUnitsSold: number): number {
  if (averageUnitsSold <= 0) return basePriceCents;
  const change = Math.min(MAX_MARKUP, Math.max(-MAX_DISCOUNT, (unitsSold / averageUnitsSold - 1) * SENSITIVITY));
  return Math.round(basePriceCents * (1 + change));
}

const DAY_MS = 86_400_000;
const toTime = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`);
const toIso = (time: number): string => new Date(time).toISOString().slice(0, 10);

/**
 * The demand window of chunk `chunk` (1-based) of `chunks`: its cut-off date walks from the first
 * towards the last order date, so the job replays the price history and its last chunk prices by
 * the most recent year. Dates are 'YYYY-MM-DD'; the window is (from, to].
 */
export function demandWindow(
  span: { first: string; last: string },
  chunk: number,
  chunks: number,
): { from: string; to: string } {
  const first = toTime(span.first);
  const last = toTime(span.last);
  const to = first + Math.round(((last - first) * chunk) / chunks / DAY_MS) * DAY_MS;
  return { from: toIso(to - DEMAND_WINDOW_DAYS * DAY_MS), to: toIso(to) };
}
