import { Injectable } from '@angular/core';
import { isFinalStatus, type RunView } from '@onward/task-domain';

/**
 * When this window last saw each unfinished run's progress change, for "No progress for 4 min".
 * Fed by the store with the views that changed, so its cost follows the updates, not the runs held.
 */
@Injectable({ providedIn: 'root' })
export class ProgressSeen {
  private readonly changedAt = new Map<string, number>();

  /** Notes a held view replaced by a newer one, at `at` (ms since the epoch). */
  note(old: RunView, now: RunView, at: number): void {
    if (isFinalStatus(now.status)) {
      this.changedAt.delete(now.id);
      return;
    }
    if (progressKey(old) !== progressKey(now)) this.changedAt.set(now.id, at);
  }

  /** When the run's progress last changed as this window saw it; else when it started (or was created). */
  since(run: Pick<RunView, 'id' | 'startedAt' | 'createdAt'>): number {
    return this.changedAt.get(run.id) ?? Date.parse(run.startedAt ?? run.createdAt);
  }

  /** Forgets every run (another user). */
  clear(): void {
    this.changedAt.clear();
  }
}

function progressKey(run: RunView): string {
  return `${run.progress.percent}|${run.progress.message}`;
}
