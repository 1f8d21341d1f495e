/**
 * Things one user holds at once in this process (open `/wait` calls, handshakes being checked), with
 * a ceiling. `acquire` either takes one and returns how to give it back (idempotent), or returns null
 * when the user already holds `max`.
 */
export class PerUserCounter {
  private readonly held = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(userId: string): (() => void) | null {
    const count = this.held.get(userId) ?? 0;
    if (count >= this.max) return null;
    this.held.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(userId) ?? 1) - 1;
      if (left > 0) this.held.set(userId, left);
      else this.held.delete(userId);
    };
  }

  count(userId: string): number {
    return this.held.get(userId) ?? 0;
  }
}
