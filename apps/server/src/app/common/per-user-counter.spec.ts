import { PerUserCounter } from './per-user-counter';

describe('PerUserCounter', () => {
  it('refuses beyond the ceiling per user, and frees a slot once, however often it is released', () => {
    const counter = new PerUserCounter(2);
    const first = counter.acquire('alice');
    const second = counter.acquire('alice');
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(counter.acquire('alice')).toBeNull();
    expect(counter.acquire('bob')).not.toBeNull();
    first?.();
    first?.();
    expect(counter.count('alice')).toBe(1);
    expect(counter.acquire('alice')).not.toBeNull();
    expect(counter.acquire('alice')).toBeNull();
  });
});
