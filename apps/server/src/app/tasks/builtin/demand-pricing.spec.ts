import { demandPrice, demandWindow } from './demand-pricing';

describe('demandPrice', () => {
  it('keeps the list price for average demand, or when nothing sold at all', () => {
    expect(demandPrice(10_000, 50, 50)).toBe(10_000);
    expect(demandPrice(10_000, 0, 0)).toBe(10_000);
  });

  it('raises the price for demand above average and lowers it below, within bounds', () => {
    expect(demandPrice(10_000, 100, 50)).toBe(11_000);
    expect(demandPrice(10_000, 25, 50)).toBe(9_500);
    expect(demandPrice(10_000, 1000, 50)).toBe(11_500);
    expect(demandPrice(10_000, 0, 50)).toBe(9_000);
  });

  it('yields whole cents', () => {
    expect(Number.isInteger(demandPrice(7_999, 37, 41))).toBe(true);
  });
});

describe('demandWindow', () => {
  const span = { first: '2024-01-01', last: '2025-12-31' };

  it('ends its last chunk on the last order date, one year back', () => {
    expect(demandWindow(span, 4, 4)).toEqual({ from: '2024-12-31', to: '2025-12-31' });
  });

  it('walks its cut-off forward from chunk to chunk', () => {
    const cutoffs = [1, 2, 3, 4].map((chunk) => demandWindow(span, chunk, 4).to);
    expect(cutoffs).toEqual([...cutoffs].sort());
    expect(new Set(cutoffs).size).toBe(4);
    // Half of the 730 days, rounded to whole days: 2024 is a leap year.
    expect(cutoffs[0]).toBe('2024-07-02');
  });
});
