import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const random = new SeededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(random.int(20, 40));
    expect(Math.min(...seen)).toBe(20);
    expect(Math.max(...seen)).toBe(40);
    expect(seen.size).toBe(21);
  });

  it('never picks an item of weight zero', () => {
    const random = new SeededRandom(1);
    const weights: Record<string, number> = { a: 1, b: 0, c: 3 };
    const picks = new Set(Array.from({ length: 500 }, () => random.weighted(['a', 'b', 'c'], (x) => weights[x] ?? 0)));
    expect([...picks].sort()).toEqual(['a', 'c']);
  });
});
