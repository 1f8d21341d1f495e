import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable } from '@angular/core';

import { MonitorClient } from './monitor-client';
import { RunVisibility } from './run-visibility';

/**
 * Deletions that wait a few seconds for an "Undo": the run is hidden at once and deleted on the
 * server only when the time is up. Leaving the page within that time still deletes (a keepalive
 * request on `pagehide`): the user asked for the deletion and did not undo it, and a run that came
 * back after a reload would look like a failed delete.
 */
@Injectable({ providedIn: 'root' })
export class DeferredDeletes {
  private readonly client = inject(MonitorClient);
  private readonly visibility = inject(RunVisibility);
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; done: () => void }>();

  constructor() {
    const win = inject(DOCUMENT).defaultView;
    const leave = () => this.flushOnLeave();
    win?.addEventListener('pagehide', leave);
    inject(DestroyRef).onDestroy(() => {
      win?.removeEventListener('pagehide', leave);
      this.flushOnLeave();
    });
  }

  /** True while the run's deletion can still be undone. */
  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  /**
   * Hides the run now and deletes it after `delayMs` unless `undo` comes first. Resolves once
   * deleted (true) or undone (false); rejects when the server refused, with the run shown again.
   */
  schedule(id: string, delayMs: number): Promise<boolean> {
    if (this.pending.has(id)) return Promise.resolve(false);
    this.visibility.hide(id);
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.client.delete(id).then(
          () => {
            this.visibility.unhide(id);
            resolve(true);
          },
          (error: unknown) => {
            this.visibility.unhide(id);
            reject(error);
          },
        );
      }, delayMs);
      this.pending.set(id, { timer, done: () => resolve(false) });
    });
  }

  /** Keeps the run: it shows again. False when its deletion was already sent. */
  undo(id: string): boolean {
    const held = this.pending.get(id);
    if (!held) return false;
    clearTimeout(held.timer);
    this.pending.delete(id);
    this.visibility.unhide(id);
    held.done();
    return true;
  }

  private flushOnLeave(): void {
    for (const [id, held] of this.pending) {
      clearTimeout(held.timer);
      try {
        this.client.deleteOnLeave(id);
      } catch {
        // Tearing down, a window channel may be closed already; the request itself went out first.
      }
    }
    this.pending.clear();
  }
}
