import { computed, inject, Injectable, signal } from '@angular/core';
import { isFinalStatus, isUnfinished, type RunView, type TaskDefinition } from '@onward/task-domain';
import { Subject } from 'rxjs';

import { compareRuns } from '../shared/run-format';
import type { MonitorUser } from './monitor-types';
import { ProgressSeen } from './progress-seen';
import { SortedRunList } from './run-list';
import { RunStore } from './run-store';
import { RunVisibility } from './run-visibility';
import { UnseenRuns } from './unseen-runs';

/**
 * What the client knows, as signals: the user, the task catalogue and every run held. Every view
 * from the server (socket or REST) goes in through `merge`, which keeps the contract's version rule
 * (see RunStore), tells who finished, and feeds the unseen set.
 */
@Injectable({ providedIn: 'root' })
export class MonitorStore {
  private readonly unseen = inject(UnseenRuns);
  private readonly visibility = inject(RunVisibility);
  private readonly progressSeen = inject(ProgressSeen);
  private readonly store = signal(RunStore.empty());
  private readonly finishedSubject = new Subject<RunView>();
  private readonly sorted = new SortedRunList();

  /** The logged-in user, known after the first (re)connect. */
  readonly user = signal<MonitorUser | null>(null);
  /** The task catalogue. */
  readonly tasks = signal<TaskDefinition[]>([]);
  /** Every run held, by id (a new signal value on every change). */
  readonly runsById = computed(() => this.store().runs, { equal: () => false });
  /** The whole store, for readers that need its parent index. */
  readonly state = this.store.asReadonly();
  /**
   * The user's top-level runs that the monitor of this window lists, running ones on top, newest
   * first: the background ones, and the foreground ones whose dialog is not open here (after a
   * reload, in another window, once the dialog closed), less those whose deletion can be undone.
   */
  readonly runs = computed(() => {
    const me = this.user()?.id ?? null;
    const visibility = this.visibility;
    return this.sorted.read(
      this.store(),
      `${me}|${visibility.key()}`,
      (run): run is RunView =>
        !!run && run.parentId === null && (me === null || run.owner.id === me) && visibility.shows(run),
    );
  });
  /** Every top-level run held (admin view), running ones on top, newest first. */
  readonly allRuns = computed(() =>
    [...this.store().runs.values()].filter((run) => run.parentId === null).sort(compareRuns),
  );
  /** How many of the listed runs have not finished. */
  readonly runningCount = computed(() => this.runs().filter((run) => isUnfinished(run.status)).length);
  /** Runs seen to reach a final status while this client held them. */
  readonly finished$ = this.finishedSubject.asObservable();

  /** The run with this id, as held now (a signal read). */
  get(id: string): RunView | undefined {
    return this.store().get(id);
  }

  /** Takes views from the server; those not newer than the held ones are dropped. */
  merge(views: readonly RunView[]): void {
    if (views.length === 0) return;
    const before = this.store();
    const after = before.upsert(views);
    if (after === before) return;
    this.store.set(after);
    const finished: RunView[] = [];
    const at = Date.now();
    // `before` shares its map with `after`: the old views are in the change record.
    for (const [id, old] of after.lastChange?.before ?? []) {
      const now = after.get(id);
      if (old && now && now !== old) this.progressSeen.note(old, now, at);
      if (old && now && now !== old && !isFinalStatus(old.status) && isFinalStatus(now.status)) finished.push(now);
    }
    if (finished.length === 0) return;
    for (const run of finished) this.finishedSubject.next(run);
    const listed = finished.filter((run) => this.visibility.shows(run));
    this.unseen.noteFinished(listed, this.user()?.id ?? null);
  }

  /** Removes deleted runs (and their subtasks); late updates never bring them back. */
  forget(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.store.update((s) => s.remove(ids));
    this.unseen.forget(ids);
  }

  /** Forgets other users' runs without marking them deleted (an admin leaving "all users"). */
  dropForeign(): void {
    const me = this.user();
    if (!me) return;
    const foreign = [...this.store().runs.values()].filter((r) => r.owner.id !== me.id).map((r) => r.id);
    this.store.update((s) => s.drop(foreign));
  }

  /** Forgets everything (logout, another user). */
  reset(): void {
    this.store.set(RunStore.empty());
    this.sorted.clear();
    this.user.set(null);
    this.tasks.set([]);
    this.progressSeen.clear();
    this.unseen.clear();
    this.visibility.clear();
  }
}
