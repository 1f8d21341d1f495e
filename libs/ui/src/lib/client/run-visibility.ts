import { computed, Injectable, signal } from '@angular/core';

/**
 * What this window alone decides about showing the user's runs in the monitor: a foreground run
 * whose await-result dialog is open here is followed in that dialog, so the list leaves it out (it
 * shows in every other window, and here again once the dialog is gone); a run the user just
 * deleted is hidden while its "Undo" is on offer.
 */
@Injectable({ providedIn: 'root' })
export class RunVisibility {
  private readonly dialogIds = signal<ReadonlySet<string>>(new Set());
  private readonly hiddenIds = signal<ReadonlySet<string>>(new Set());

  /** Ids of the runs whose await-result dialog is open in this window. */
  readonly dialogs = this.dialogIds.asReadonly();
  /** Ids of the runs hidden until their deletion is done or undone. */
  readonly hidden = this.hiddenIds.asReadonly();
  /** Changes whenever either set changes: a key for lists derived from them. */
  readonly key = computed(() => `${[...this.dialogIds()].join(',')}|${[...this.hiddenIds()].join(',')}`);

  /** Whether the monitor of this window lists the run (a signal read). */
  shows(run: { id: string; mode: string }): boolean {
    if (this.hiddenIds().has(run.id)) return false;
    return run.mode === 'background' || !this.dialogIds().has(run.id);
  }

  /** A dialog for the run opened in this window. */
  dialogOpened(id: string): void {
    this.dialogIds.update((ids) => with_(ids, id));
  }

  /** The run's dialog closed: the monitor lists the run again. */
  dialogClosed(id: string): void {
    this.dialogIds.update((ids) => without(ids, id));
  }

  /** Hides a run from the list (e.g. while its deletion can be undone). */
  hide(id: string): void {
    this.hiddenIds.update((ids) => with_(ids, id));
  }

  /** Shows a hidden run again. */
  unhide(id: string): void {
    this.hiddenIds.update((ids) => without(ids, id));
  }

  /** Forgets everything (another user). */
  clear(): void {
    this.dialogIds.set(new Set());
    this.hiddenIds.set(new Set());
  }
}

function with_(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  return ids.has(id) ? ids : new Set([...ids, id]);
}

function without(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!ids.has(id)) return ids;
  const next = new Set(ids);
  next.delete(id);
  return next;
}
