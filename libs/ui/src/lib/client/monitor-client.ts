import { inject, Injectable } from '@angular/core';
import {
  type AdminStats,
  isFinalStatus,
  type RunNotification,
  type RunPage,
  type RunView,
  type StatsWindow,
  type TaskDefinition,
  type WorkerInfo,
} from '@onward/task-domain';
import { Subject } from 'rxjs';

import { CrossWindowSync } from './cross-window-sync';
import { isNotFound, MonitorApi } from './monitor-api';
import { MonitorConnection } from './monitor-connection';
import { MonitorStore } from './monitor-store';
import type { MonitorUser, RerunRequest, RunQuery, StartRunRequest } from './monitor-types';
import { ResultDownload } from './result-download';
import { describeError, type FailedAction } from './run-errors';
import { RunResync } from './run-resync';
import { SubtaskPages } from './subtask-pages';
import { UnseenRuns } from './unseen-runs';

/**
 * The widget's one gateway to the Onward server: components and hosts read runs from it as signals
 * and call its methods. A facade: it wires the socket, the REST calls, the re-reads, the store, the
 * subtask pages, the unseen set, the other windows and downloads (one injectable each).
 * Longer than most files: it is the widget's whole public surface, one short method per call.
 */
@Injectable({ providedIn: 'root' })
export class MonitorClient {
  private readonly api = inject(MonitorApi);
  private readonly connectionRef = inject(MonitorConnection);
  private readonly store = inject(MonitorStore);
  private readonly resyncer = inject(RunResync);
  private readonly subtasks = inject(SubtaskPages);
  private readonly unseen = inject(UnseenRuns);
  private readonly windows = inject(CrossWindowSync);
  private readonly downloads = inject(ResultDownload);
  private readonly notificationsSubject = new Subject<RunNotification>();
  private readonly statsSubject = new Subject<void>();

  /** State of the socket: `online` once connected and resynchronised. */
  readonly connection = this.connectionRef.state;
  /** The logged-in user, known after the first (re)connect. */
  readonly user = this.store.user.asReadonly();
  /** The task catalogue (`GET /api/tasks`), loaded on connect. */
  readonly tasks = this.store.tasks.asReadonly();
  /** Every run held, by id: the user's own, their subtasks and, for admins watching all, everyone's. */
  readonly runsById = this.store.runsById;
  /**
   * The user's top-level runs that the panel lists, running ones on top, newest first: background
   * runs, and foreground runs whose dialog is not open in this window.
   */
  readonly runs = this.store.runs;
  /** True when older runs than the held ones exist on the server (see `loadMore`). */
  readonly hasMore = this.resyncer.hasMore;
  /** True while `loadMore` reads a page. */
  readonly loadingMore = this.resyncer.loadingMore;
  /** Every top-level run held (admin view), running ones on top, newest first. */
  readonly allRuns = this.store.allRuns;
  /** How many of the listed runs have not finished. */
  readonly runningCount = this.store.runningCount;
  /** Ids of background runs that finished while nobody looked at the panel. */
  readonly unseenFinished = this.unseen.ids;
  /** `run.notification` events, for toasts and system notifications. */
  readonly notifications$ = this.notificationsSubject.asObservable();
  /** `stats.updated` hints (admins watching every run): the statistics changed, read them again. */
  readonly statsUpdated$ = this.statsSubject.asObservable();
  /** Runs seen to reach a final status while this client watched them. */
  readonly finished$ = this.store.finished$;
  /** True while the panel (or pop-out) is in view: finishing runs are then not "unseen". */
  readonly watching = this.unseen.watching;

  constructor() {
    // Follow the host's login state: a new token means a new connection and a fresh state.
    this.connectionRef.start({
      synchronise: () => this.resyncer.resync(),
      reset: () => this.reset(),
      whoAmI: () => this.me().catch(() => null),
      knownUser: () => this.store.user(),
      updated: (run) => this.store.merge([run]),
      deleted: (id) => this.forget([id]),
      notification: (n) => this.notificationsSubject.next(n),
      statsUpdated: () => this.statsSubject.next(),
    });
  }

  /** The run with this id, as held now (a signal read). */
  run(id: string): RunView | undefined {
    return this.store.get(id);
  }

  /** A scheduler's loaded subtasks, in the order of its rows (a signal read). */
  childrenOf(id: string): RunView[] {
    return this.subtasks.childrenOf(id);
  }

  /** Whether this client (or window) asked to cancel or delete the run. */
  cancelledByUser(id: string): boolean {
    return this.windows.cancelledByUser(id);
  }

  /** Marks every finished run as seen (clears the badge dot). */
  markAllSeen(): void {
    this.unseen.markAllSeen();
  }

  /** Tells the client whether the runs are in view (panel open, pop-out shown). */
  setWatching(watching: boolean): void {
    this.unseen.setWatching(watching);
  }

  /** Reconnects the socket now, e.g. after the host refreshed its token outside a signal. */
  reconnect(): void {
    this.connectionRef.reconnect();
  }

  /** `GET /api/admin/stats` over `window`. */
  adminStats(window: StatsWindow): Promise<AdminStats> {
    return this.api.adminStats(window);
  }

  /** `GET /api/admin/workers`. */
  adminWorkers(): Promise<WorkerInfo[]> {
    return this.api.adminWorkers();
  }

  /** Receive every user's runs too (admins); kept across reconnects until `unwatchAll()`. */
  watchAll(): void {
    this.connectionRef.watchAll();
  }

  /** Stops receiving other users' runs at the next reconnect, and forgets them now. */
  unwatchAll(): void {
    if (!this.connectionRef.unwatchAll()) return;
    this.store.dropForeign();
    this.reconnect();
  }

  /** `GET /api/tasks`. */
  async loadTasks(): Promise<TaskDefinition[]> {
    const tasks = await this.api.tasks();
    this.store.tasks.set(tasks);
    return tasks;
  }

  /** `GET /api/auth/me`. */
  async me(): Promise<MonitorUser> {
    const user = await this.api.me();
    this.store.user.set(user);
    return user;
  }

  /** `GET /api/runs`: one page of the caller's runs (merged into the held runs). */
  async listRuns(query: RunQuery = {}): Promise<RunPage> {
    return this.merged(await this.api.runs(query));
  }

  /** `GET /api/admin/runs`: one page over every user (merged into the held runs). */
  async listAdminRuns(query: RunQuery = {}): Promise<RunPage> {
    return this.merged(await this.api.adminRuns(query));
  }

  /** `GET /api/runs/:id`, with a scheduler's first subtasks, which are kept in row order. */
  getRun(id: string): Promise<RunView> {
    return this.subtasks.readRun(id);
  }

  /** Keeps a scheduler's subtasks fresh (also after reconnects) while it is expanded. */
  expand(id: string): Promise<void> {
    return this.subtasks.expand(id);
  }

  /** Stops refreshing a scheduler's subtasks. */
  collapse(id: string): void {
    this.subtasks.collapse(id);
  }

  /** Whether a scheduler has more subtasks than the loaded ones, and whether a page is read (a signal read). */
  subtaskPaging(id: string): { hasMore: boolean; loading: boolean } {
    const list = this.subtasks.list(id);
    return { hasMore: list.next !== null, loading: list.loading };
  }

  /** Reads the next page of a scheduler's subtasks (200), if there is one and no read is under way. */
  loadMoreSubtasks(id: string): Promise<void> {
    return this.subtasks.loadNext(id);
  }

  /** Reads again the subtasks of rows `start`…`end` (end excluded) that were loaded before a reconnect. */
  refreshSubtasks(id: string, start: number, end: number): Promise<void> {
    return this.subtasks.refresh(id, start, end);
  }

  /** Reads the next page of older runs (200), if there is one and no read is under way. */
  loadMore(): Promise<void> {
    return this.resyncer.loadMore();
  }

  /** `POST /api/runs`: answers at once with the new run. */
  async startRun(request: StartRunRequest): Promise<RunView> {
    return this.merged(await this.api.start(request));
  }

  /** `POST /api/runs/:id/rerun`: a finished run's task started anew as the caller's run; answers at once with it. */
  async rerun(id: string, request: RerunRequest = {}): Promise<RunView> {
    return this.merged(await this.api.rerun(id, request));
  }

  /** `POST /api/runs/:id/cancel`. */
  async cancel(id: string): Promise<RunView> {
    this.windows.rememberCancelled(id);
    return this.merged(await this.api.cancel(id));
  }

  /**
   * `DELETE /api/runs/:id`: the run leaves the list at once. A run that is gone already (deleted
   * in another window, or by a second click) counts as deleted.
   */
  async delete(id: string): Promise<void> {
    this.windows.rememberCancelled(id);
    try {
      await this.api.delete(id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.forget([id]);
  }

  /** Deletes a run in a request that outlives the page (for a deletion still pending when the user leaves). */
  deleteOnLeave(id: string): void {
    this.api.deleteOnLeave(id);
    this.windows.rememberCancelled(id);
  }

  /** Deletes the finished runs of the panel's list that `match` selects (all by default); returns how many went. */
  async clearFinished(match: (run: RunView) => boolean = () => true): Promise<number> {
    const finished = this.runs().filter((r) => isFinalStatus(r.status) && match(r));
    const outcomes = await Promise.allSettled(finished.map((r) => this.delete(r.id)));
    return outcomes.filter((o) => o.status === 'fulfilled').length;
  }

  /** `PATCH /api/runs/:id { mode: 'background' }`: hands a foreground run to the monitor. */
  async moveToBackground(id: string): Promise<RunView> {
    return this.merged(await this.api.moveToBackground(id));
  }

  /** `GET /api/runs/:id/wait`: the run once finished, or as it is after `timeoutSeconds` (at most 60). */
  async wait(id: string, timeoutSeconds = 30): Promise<RunView> {
    return this.merged(await this.api.wait(id, timeoutSeconds));
  }

  /** The URL of a run's result (needs the bearer token; see `fetchResult`). */
  resultUrl(id: string): string {
    return this.api.resultUrl(id);
  }

  /** `GET /api/runs/:id/result` with the bearer token, as a Blob; `inline` for a preview. */
  fetchResult(id: string, inline = false): Promise<Blob> {
    return this.api.result(id, inline);
  }

  /** Fetches a file result and hands it to the browser as a download named like the server's file. */
  async downloadResult(run: RunView): Promise<void> {
    const blob = await this.fetchResult(run.id);
    this.downloads.save(blob, this.downloads.fileName(run));
  }

  /** A failed call in a sentence for people (no ids, no server wording), for toasts. */
  describeError(error: unknown, action?: FailedAction): string {
    return describeError(error, action);
  }

  private merged<T extends RunPage | RunView>(answer: T): T {
    this.store.merge('items' in answer ? answer.items : [answer]);
    return answer;
  }

  private forget(ids: readonly string[]): void {
    this.store.forget(ids);
    this.subtasks.forget(ids);
  }

  /** A new user (or none): nothing of the previous one stays. */
  private reset(): void {
    this.resyncer.reset();
    this.store.reset();
    this.subtasks.reset();
    this.windows.clear();
  }
}
