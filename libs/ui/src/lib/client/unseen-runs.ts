import { Injectable, signal } from '@angular/core';
import type { RunView } from '@onward/task-domain';

/**
 * The badge dot: listed runs of the user that finished while nobody looked at the runs
 * (panel closed, pop-out hidden). Seeing the runs clears it.
 */
@Injectable({ providedIn: 'root' })
export class UnseenRuns {
  private readonly unseen = signal<ReadonlySet<string>>(new Set());
  private readonly inView = signal(false);

  /** Ids of listed runs that finished while nobody looked. */
  readonly ids = this.unseen.asReadonly();
  /** True while the runs are in view: finishing runs are then seen at once. */
  readonly watching = this.inView.asReadonly();

  /** Tells whether the runs are in view; coming into view marks everything seen. */
  setWatching(watching: boolean): void {
    this.inView.set(watching);
    if (watching) this.markAllSeen();
  }

  /** Clears the dot. */
  markAllSeen(): void {
    if (this.unseen().size > 0) this.unseen.set(new Set());
  }

  /**
   * Notes runs that just finished; only `me`'s top-level runs count, and only while out of view.
   * The caller passes the runs the monitor lists (a foreground run followed in its dialog is not news).
   */
  noteFinished(runs: readonly RunView[], me: string | null): void {
    if (this.inView()) return;
    const fresh = runs.filter((r) => r.parentId === null && (me === null || r.owner.id === me));
    if (fresh.length === 0) return;
    this.unseen.update((ids) => new Set([...ids, ...fresh.map((r) => r.id)]));
  }

  /** Forgets runs that are gone. */
  forget(ids: readonly string[]): void {
    const held = this.unseen();
    if (!ids.some((id) => held.has(id))) return;
    const gone = new Set(ids);
    this.unseen.set(new Set([...held].filter((id) => !gone.has(id))));
  }

  /** Forgets everything (another user). */
  clear(): void {
    this.unseen.set(new Set());
  }
}
