import { HttpClient, HttpErrorResponse, HttpHeaders, HttpParams } from '@angular/common/http';
import { computed, DestroyRef, effect, inject, Injectable, signal, untracked } from '@angular/core';
import {
  type ErrorBody,
  isFinalStatus,
  RUNS_NAMESPACE,
  type RunNotification,
  type RunPage,
  type RunView,
  type TaskDefinition,
} from '@onward/task-domain';
import { Subject } from 'rxjs';

import { compareRuns, isActive } from '../shared/run-format';
import { ONWARD_MONITOR_CONFIG } from './monitor-config';
import type { ConnectionState, MonitorUser, RunQuery, StartRunRequest } from './monitor-types';
import { RunStore } from './run-store';
import { type MonitorSocket, SocketFactory } from './socket-factory';

/**
 * The widget holds every unfinished run and the newest finished ones: one page of 200 at first
 * (enough for a first screen and the counts of a normal day), older pages as the user scrolls
 * down (`loadMore`). A reconnect re-reads as many pages as were loaded, so the list does not
 * shrink under the user, and pages through the unfinished runs that lie beyond them.
 */
const PAGE_SIZE = 200;
const FIRST_PAGES = 1;
/** Safety stop for the reads of one resync (200 × 100 = 20 000 runs). */
const MAX_PAGES = 100;
const ACTIVE_STATUSES = ['queued', 'running', 'cancelling'] as const;

/**
 * The one gateway of the widget to the Onward server: owns the single Socket.IO connection to
 * `/runs` and every REST call, and exposes the runs as signals. Presentational components read
 * from it and call its methods; nothing else in the widget talks to the server.
 */
@Injectable({ providedIn: 'root' })
export class MonitorClient {
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly http = inject(HttpClient);
  private readonly sockets = inject(SocketFactory);

  private socket: MonitorSocket | null = null;
  private token: string | null = null;
  private syncGeneration = 0;
  private watchingAll = false;
  private readonly store = signal(RunStore.empty());
  private readonly childOrder = signal<ReadonlyMap<string, readonly string[]>>(new Map());
  private readonly expanded = new Set<string>();
  private readonly cancelledHere = new Set<string>();
  private readonly notificationsSubject = new Subject<RunNotification>();
  private readonly finishedSubject = new Subject<RunView>();
  private readonly channel: BroadcastChannel | null;

  private readonly connectionState = signal<ConnectionState>('idle');
  private readonly currentUser = signal<MonitorUser | null>(null);
  private readonly catalogue = signal<TaskDefinition[]>([]);
  private readonly unseen = signal<ReadonlySet<string>>(new Set());
  private readonly inView = signal(false);
  /** Where the next older page starts; null once every run is loaded. */
  private readonly olderCursor = signal<string | null>(null);
  private readonly loadingOlder = signal(false);
  private pagesLoaded = FIRST_PAGES;
  private listMemo: {
    runs: ReadonlyMap<string, RunView>;
    version: number;
    me: string | null;
    list: RunView[];
  } | null = null;

  /** State of the socket: `online` once connected and resynchronised. */
  readonly connection = this.connectionState.asReadonly();
  /** The logged-in user, known after the first (re)connect. */
  readonly user = this.currentUser.asReadonly();
  /** The task catalogue (`GET /api/tasks`), loaded on connect. */
  readonly tasks = this.catalogue.asReadonly();
  /** Every run held, by id: the user's own, their subtasks and, for admins watching all, everyone's. */
  readonly runsById = computed(() => this.store().runs, { equal: () => false });
  /**
   * The user's top-level background runs, running ones on top, newest first: what the panel lists.
   * A progress update replaces one element of the previous list instead of sorting every run again
   * (10 000 runs, 50 of them ticking: a sort per tick would cost whole frames).
   */
  readonly runs = computed(() => {
    const me = this.user()?.id ?? null;
    const store = this.store();
    const memo = this.listMemo;
    const belongs = (run: RunView | undefined): run is RunView =>
      !!run && run.parentId === null && run.mode === 'background' && (me === null || run.owner.id === me);
    let list: RunView[] | null = null;
    const changed = memo && memo.me === me && memo.runs === store.runs ? store.changesSince(memo.version) : null;
    if (memo && changed) list = patchList(memo.list, changed, store.runs, belongs);
    if (!list) {
      list = [];
      for (const run of store.runs.values()) if (belongs(run)) list.push(run);
      list.sort(compareRuns);
    }
    this.listMemo = { runs: store.runs, version: store.version, me, list };
    return list;
  });
  /** True when older runs than the held ones exist on the server (see `loadMore`). */
  readonly hasMore = computed(() => this.olderCursor() !== null);
  /** True while `loadMore` reads a page. */
  readonly loadingMore = this.loadingOlder.asReadonly();
  /** Every top-level run held (admin view), running ones on top, newest first. */
  readonly allRuns = computed(() =>
    [...this.store().runs.values()].filter((run) => run.parentId === null).sort(compareRuns),
  );
  /** How many of the user's background runs have not finished. */
  readonly runningCount = computed(() => this.runs().filter(isActive).length);
  /** Ids of background runs that finished while nobody looked at the panel. */
  readonly unseenFinished = this.unseen.asReadonly();
  /** `run.notification` events, for toasts and system notifications. */
  readonly notifications$ = this.notificationsSubject.asObservable();
  /** Runs seen to reach a final status while this client watched them. */
  readonly finished$ = this.finishedSubject.asObservable();
  /** True while the panel (or pop-out) is in view: finishing runs are then not "unseen". */
  readonly watching = this.inView.asReadonly();

  constructor() {
    // Follow the host's login state: a new token means a new connection and a fresh state.
    effect(() => {
      const token = this.config.token();
      untracked(() => this.useToken(token));
    });
    // A pop-out and its main window share which runs the user cancelled, so neither toasts them.
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('onward-monitor');
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<{ cancelled?: string }>) => {
        if (typeof event.data?.cancelled === 'string') this.cancelledHere.add(event.data.cancelled);
      };
    }
    inject(DestroyRef).onDestroy(() => {
      this.closeSocket();
      this.channel?.close();
    });
  }

  /** The run with this id, as held now (a signal read). */
  run(id: string): RunView | undefined {
    return this.store().get(id);
  }

  /** A scheduler's subtasks, in the order of its rows (a signal read). */
  childrenOf(id: string): RunView[] {
    const order = this.childOrder().get(id) ?? [];
    const runs = this.store().runs;
    const listed = new Set(order);
    const children = order.map((childId) => runs.get(childId)).filter((r): r is RunView => !!r);
    for (const run of runs.values()) {
      if (run.parentId === id && !listed.has(run.id)) children.push(run);
    }
    return children;
  }

  /** Whether this client (or window) asked to cancel or delete the run. */
  cancelledByUser(id: string): boolean {
    return this.cancelledHere.has(id);
  }

  /** Marks every finished run as seen (clears the badge dot). */
  markAllSeen(): void {
    if (this.unseen().size > 0) this.unseen.set(new Set());
  }

  /** Tells the client whether the runs are in view (panel open, pop-out shown). */
  setWatching(watching: boolean): void {
    this.inView.set(watching);
    if (watching) this.markAllSeen();
  }

  /** Reconnects the socket now, e.g. after the host refreshed its token outside a signal. */
  reconnect(): void {
    this.useToken(this.config.token(), true);
  }

  /** Receive every user's runs too (admins); kept across reconnects until `unwatchAll()`. */
  watchAll(): void {
    this.watchingAll = true;
    if (this.connection() === 'online') this.socket?.emit('subscribe.all');
  }

  /** Stops receiving other users' runs at the next reconnect, and forgets them now. */
  unwatchAll(): void {
    if (!this.watchingAll) return;
    this.watchingAll = false;
    const me = this.user();
    if (me) {
      const foreign = [...this.store().runs.values()].filter((r) => r.owner.id !== me.id).map((r) => r.id);
      this.store.update((s) => s.drop(foreign));
    }
    this.reconnect();
  }

  // ---- REST ----------------------------------------------------------------------------------

  /** `GET /api/tasks`. */
  async loadTasks(): Promise<TaskDefinition[]> {
    const tasks = await this.get<TaskDefinition[]>('/api/tasks');
    this.catalogue.set(tasks);
    return tasks;
  }

  /** `GET /api/auth/me`. */
  async me(): Promise<MonitorUser> {
    const user = await this.get<MonitorUser>('/api/auth/me');
    this.currentUser.set(user);
    return user;
  }

  /** `GET /api/runs`: one page of the caller's runs (merged into the held runs). */
  async listRuns(query: RunQuery = {}): Promise<RunPage> {
    const page = await this.get<RunPage>('/api/runs', this.params(query));
    this.merge(page.items);
    return page;
  }

  /** `GET /api/admin/runs`: one page over every user (merged into the held runs). */
  async listAdminRuns(query: RunQuery = {}): Promise<RunPage> {
    const page = await this.get<RunPage>('/api/admin/runs', this.params(query));
    this.merge(page.items);
    return page;
  }

  /** `GET /api/runs/:id`, with a scheduler's children, which are kept in row order. */
  async getRun(id: string): Promise<RunView> {
    const run = await this.get<RunView>(`/api/runs/${encodeURIComponent(id)}`);
    if (run.children) {
      const order = run.children.map((c) => c.id);
      this.childOrder.update((m) => new Map(m).set(id, order));
      this.merge(run.children);
    }
    this.merge([run]);
    return run;
  }

  /** Keeps a scheduler's subtasks fresh (also after reconnects) while it is expanded. */
  async expand(id: string): Promise<void> {
    this.expanded.add(id);
    await this.getRun(id);
  }

  /** Stops refreshing a scheduler's subtasks. */
  collapse(id: string): void {
    this.expanded.delete(id);
  }

  /** Reads the next page of older runs (200), if there is one and no read is under way. */
  async loadMore(): Promise<void> {
    const cursor = this.olderCursor();
    if (!cursor || this.loadingOlder()) return;
    const generation = this.syncGeneration;
    this.loadingOlder.set(true);
    try {
      const page = await this.get<RunPage>('/api/runs', this.params({ limit: PAGE_SIZE, cursor }));
      if (generation !== this.syncGeneration) return;
      this.merge(page.items);
      this.pagesLoaded++;
      this.olderCursor.set(page.nextCursor);
    } finally {
      if (generation === this.syncGeneration) this.loadingOlder.set(false);
    }
  }

  /** `POST /api/runs`: answers at once with the new run. */
  async startRun(request: StartRunRequest): Promise<RunView> {
    const run = await this.request<RunView>('POST', '/api/runs', request);
    this.merge([run]);
    return run;
  }

  /** `POST /api/runs/:id/cancel`. */
  async cancel(id: string): Promise<RunView> {
    this.rememberCancelled(id);
    const run = await this.request<RunView>('POST', `/api/runs/${encodeURIComponent(id)}/cancel`, {});
    this.merge([run]);
    return run;
  }

  /** `DELETE /api/runs/:id`: the run leaves the list at once. */
  async delete(id: string): Promise<void> {
    this.rememberCancelled(id);
    await this.request<void>('DELETE', `/api/runs/${encodeURIComponent(id)}`);
    this.forget([id]);
  }

  /** Deletes every finished run of the panel's list; returns how many went. */
  async clearFinished(): Promise<number> {
    const finished = this.runs().filter((r) => !isActive(r));
    const outcomes = await Promise.allSettled(finished.map((r) => this.delete(r.id)));
    return outcomes.filter((o) => o.status === 'fulfilled').length;
  }

  /** `PATCH /api/runs/:id { mode: 'background' }`: hands a foreground run to the monitor. */
  async moveToBackground(id: string): Promise<RunView> {
    const run = await this.request<RunView>('PATCH', `/api/runs/${encodeURIComponent(id)}`, { mode: 'background' });
    this.merge([run]);
    return run;
  }

  /** `GET /api/runs/:id/wait`: the run once finished, or as it is after `timeoutSeconds`. */
  async wait(id: string, timeoutSeconds = 30): Promise<RunView> {
    const params = new HttpParams().set('timeout', String(Math.min(60, Math.max(0, timeoutSeconds))));
    const run = await this.get<RunView>(`/api/runs/${encodeURIComponent(id)}/wait`, params);
    this.merge([run]);
    return run;
  }

  /** The URL of a run's result (needs the bearer token; see `fetchResult`). */
  resultUrl(id: string): string {
    return `${this.config.baseUrl}/api/runs/${encodeURIComponent(id)}/result`;
  }

  /** `GET /api/runs/:id/result` with the bearer token, as a Blob. */
  async fetchResult(id: string): Promise<Blob> {
    return this.call<Blob>('GET', `/api/runs/${encodeURIComponent(id)}/result`, { responseType: 'blob' });
  }

  /** Fetches a file result and hands it to the browser as a download named like the server's file. */
  async downloadResult(run: RunView): Promise<void> {
    const blob = await this.fetchResult(run.id);
    const name = run.result?.type === 'file' ? run.result.fileName : `${run.task}-${run.id}`;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    document.body.appendChild(link);
    link.click();
    link.remove();
    // Revoke later: some browsers start reading the blob only after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** The message of a failed call, for toasts. */
  describeError(error: unknown): string {
    if (error instanceof HttpErrorResponse) {
      const body = error.error as Partial<ErrorBody> | null;
      if (body && typeof body === 'object' && typeof body.message === 'string') {
        const fields = Array.isArray(body.details) ? body.details.map((d) => d.message).join('; ') : '';
        return fields && !body.message.includes(fields) ? `${body.message} (${fields})` : body.message;
      }
      return error.status === 0 ? 'The server cannot be reached.' : `${error.status} ${error.statusText}`;
    }
    return error instanceof Error ? error.message : String(error);
  }

  // ---- socket --------------------------------------------------------------------------------

  private useToken(token: string | null, force = false): void {
    if (!force && token === this.token && (this.socket || !token)) return;
    if (!force && token && this.token && this.socket) {
      // A new token while connected is most often the same user's, refreshed: the socket stays (the
      // server closes it when its token expires, and it reconnects with this one) and so do the runs,
      // unless the token turns out to be someone else's.
      this.token = token;
      void this.followRefreshedToken(token);
      return;
    }
    const userChanged = token !== this.token;
    this.token = token;
    this.closeSocket();
    if (userChanged) this.reset();
    if (!token) {
      this.connectionState.set('idle');
      return;
    }
    this.connectionState.set('connecting');
    const socket = this.sockets.connect(`${this.config.baseUrl}${RUNS_NAMESPACE}`, () => ({
      token: this.config.token(),
    }));
    this.socket = socket;
    socket.onConnect(() => {
      if (this.socket !== socket) return;
      if (this.watchingAll) socket.emit('subscribe.all');
      void this.resync();
    });
    socket.onDisconnect((reason) => {
      if (this.socket !== socket) return;
      if (reason !== 'io server disconnect') {
        this.connectionState.set('offline');
        return;
      }
      // The server closed the socket itself: its token expired (or the user may no longer connect).
      // Socket.IO does not reconnect after that on its own; connecting again asks the host's
      // token() for a fresh token, and a refused one ends in connect_error "unauthorized".
      this.connectionState.set('connecting');
      socket.open();
    });
    socket.onConnectError((error) => {
      if (this.socket !== socket) return;
      this.connectionState.set(error.message === 'unauthorized' ? 'unauthorized' : 'offline');
    });
    socket.on('run.updated', (run) => this.merge([run]));
    socket.on('run.deleted', ({ id }) => this.forget([id]));
    socket.on('run.notification', (n) => this.notificationsSubject.next(n));
  }

  private rememberCancelled(id: string): void {
    this.cancelledHere.add(id);
    this.channel?.postMessage({ cancelled: id });
  }

  /** After a token change while connected: starts afresh only if the token is another user's. */
  private async followRefreshedToken(token: string): Promise<void> {
    const before = this.currentUser();
    const user = await this.me().catch(() => null);
    if (this.token !== token) return;
    if (user && before && user.id === before.id) {
      // The socket was refused with the old token (it expired before this one came): try this one.
      if (this.connectionState() === 'unauthorized' && this.socket) {
        this.connectionState.set('connecting');
        this.socket.open();
      }
      return;
    }
    this.token = null;
    this.useToken(token);
  }

  private closeSocket(): void {
    this.socket?.close();
    this.socket = null;
  }

  private reset(): void {
    this.syncGeneration++;
    this.store.set(RunStore.empty());
    this.childOrder.set(new Map());
    this.unseen.set(new Set());
    this.currentUser.set(null);
    this.catalogue.set([]);
    this.expanded.clear();
    this.cancelledHere.clear();
    this.olderCursor.set(null);
    this.loadingOlder.set(false);
    this.pagesLoaded = FIRST_PAGES;
    this.listMemo = null;
  }

  /**
   * Re-reads the runs over REST after every (re)connect: Socket.IO delivers at most once, so
   * anything that changed while offline is only known from here. It reads the newest pages (as
   * many as were loaded) and, when more exist, every unfinished run. Held runs in the range read
   * that the server no longer lists were deleted meanwhile; held unfinished runs outside it are
   * asked for one by one.
   */
  private async resync(): Promise<void> {
    const generation = ++this.syncGeneration;
    this.loadingOlder.set(false);
    const heldBefore = new Set(this.store().runs.keys());
    try {
      const [user] = await Promise.all([this.me(), this.loadTasks().catch(() => [])]);
      const seen = new Set<string>();
      let cursor: string | null = null;
      let oldest: RunView | null = null;
      for (let page = 0; page < Math.min(this.pagesLoaded, MAX_PAGES); page++) {
        const result: RunPage = await this.get<RunPage>(
          '/api/runs',
          this.params({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
        );
        if (generation !== this.syncGeneration) return;
        this.merge(result.items);
        for (const run of result.items) seen.add(run.id);
        oldest = result.items.at(-1) ?? oldest;
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      if (cursor) {
        // Older pages are not read now, but running runs always show on top: read all of those.
        let activeCursor: string | null = null;
        for (let page = 0; page < MAX_PAGES; page++) {
          const result: RunPage = await this.get<RunPage>(
            '/api/runs',
            this.params({
              status: [...ACTIVE_STATUSES],
              limit: PAGE_SIZE,
              ...(activeCursor ? { cursor: activeCursor } : {}),
            }),
          );
          if (generation !== this.syncGeneration) return;
          this.merge(result.items);
          for (const run of result.items) seen.add(run.id);
          activeCursor = result.nextCursor;
          if (!activeCursor) break;
        }
      }
      if (generation !== this.syncGeneration) return;
      this.olderCursor.set(cursor);
      // Runs of the range read (all runs when there is no cursor) that the server did not list are gone.
      const inRange = (run: RunView) => !cursor || !oldest || byListOrder(run, oldest) <= 0;
      const mine = [...this.store().runs.values()].filter(
        (r) => r.parentId === null && r.owner.id === user.id && heldBefore.has(r.id) && !seen.has(r.id),
      );
      this.forget(mine.filter(inRange).map((r) => r.id));
      // Older runs held as unfinished may have finished (or gone) meanwhile: ask for each.
      const stale = mine.filter((r) => !inRange(r) && isActive(r));
      await Promise.all(
        stale.map((r) =>
          this.getRun(r.id).catch((error: unknown) => {
            if (error instanceof HttpErrorResponse && error.status === 404) this.forget([r.id]);
          }),
        ),
      );
      await Promise.all([...this.expanded].map((id) => this.getRun(id).catch(() => undefined)));
      if (generation === this.syncGeneration) this.connectionState.set('online');
    } catch (error) {
      if (generation !== this.syncGeneration) return;
      const unauthorized = error instanceof HttpErrorResponse && error.status === 401;
      this.connectionState.set(unauthorized ? 'unauthorized' : 'offline');
    }
  }

  private merge(views: readonly RunView[]): void {
    if (views.length === 0) return;
    const before = this.store();
    const after = before.upsert(views);
    if (after === before) return;
    this.store.set(after);
    const newlyFinished: RunView[] = [];
    // `before` shares its map with `after`: the old views are in the change record.
    for (const [id, old] of after.lastChange?.before ?? []) {
      const now = after.get(id);
      if (old && now && now !== old && !isFinalStatus(old.status) && isFinalStatus(now.status)) newlyFinished.push(now);
    }
    if (newlyFinished.length === 0) return;
    for (const run of newlyFinished) this.finishedSubject.next(run);
    if (!this.watching()) {
      const me = this.user();
      const unseen = newlyFinished.filter(
        (r) => r.parentId === null && r.mode === 'background' && (!me || r.owner.id === me.id),
      );
      if (unseen.length > 0) {
        this.unseen.update((s) => {
          const next = new Set(s);
          for (const r of unseen) next.add(r.id);
          return next;
        });
      }
    }
  }

  private forget(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.store.update((s) => s.remove(ids));
    if (ids.some((id) => this.unseen().has(id))) {
      this.unseen.update((s) => new Set([...s].filter((id) => !ids.includes(id))));
    }
    for (const id of ids) this.expanded.delete(id);
  }

  // ---- HTTP plumbing ------------------------------------------------------------------------

  private params(query: RunQuery): HttpParams {
    let params = new HttpParams();
    if (query.status?.length) params = params.set('status', query.status.join(','));
    if (query.mode) params = params.set('mode', query.mode);
    if (query.limit !== undefined) params = params.set('limit', String(query.limit));
    if (query.cursor) params = params.set('cursor', query.cursor);
    if (query.user) params = params.set('user', query.user);
    return params;
  }

  private get<T>(path: string, params?: HttpParams): Promise<T> {
    return this.call<T>('GET', path, { params });
  }

  private request<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return this.call<T>(method, path, { body });
  }

  private async call<T>(
    method: string,
    path: string,
    options: { params?: HttpParams; body?: unknown; responseType?: 'json' | 'blob' },
  ): Promise<T> {
    const token = this.config.token();
    try {
      return await this.send<T>(method, path, options, token);
    } catch (error) {
      // The token may have expired since it was read: ask the host once more and, when it has a
      // fresh one, try again once (a 401 request changed nothing on the server).
      const fresh = error instanceof HttpErrorResponse && error.status === 401 ? this.config.token() : null;
      if (!fresh || fresh === token) throw error;
      return this.send<T>(method, path, options, fresh);
    }
  }

  private send<T>(
    method: string,
    path: string,
    options: { params?: HttpParams; body?: unknown; responseType?: 'json' | 'blob' },
    token: string | null,
  ): Promise<T> {
    const headers = token ? new HttpHeaders({ Authorization: `Bearer ${token}` }) : new HttpHeaders();
    return new Promise<T>((resolve, reject) => {
      this.http
        .request(method, `${this.config.baseUrl}${path}`, {
          body: options.body,
          params: options.params,
          headers,
          // HttpClient's overloads are keyed on the literal responseType; the caller's T matches it.
          responseType: (options.responseType ?? 'json') as 'json',
        })
        .subscribe({ next: (value) => resolve(value as T), error: reject });
    });
  }
}

/** The server's list order (newest first: createdAt, then id, both descending); < 0 when `a` comes first. */
function byListOrder(a: RunView, b: RunView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The sorted list after `change`, made by replacing changed runs in place; null when a change
 * moves a run (it starts, finishes, joins or leaves the list), which needs a full sort.
 */
function patchList(
  list: RunView[],
  changed: ReadonlyMap<string, RunView | undefined>,
  runs: ReadonlyMap<string, RunView>,
  belongs: (run: RunView | undefined) => run is RunView,
): RunView[] | null {
  let next: RunView[] | null = null;
  for (const [id, before] of changed) {
    const after = runs.get(id);
    const was = belongs(before);
    const is = belongs(after);
    if (!was && !is) continue;
    if (!was || !is || isActive(before) !== isActive(after) || before.createdAt !== after.createdAt) return null;
    const at = findSorted(next ?? list, before);
    if (at < 0) return null;
    next ??= list.slice();
    next[at] = after;
  }
  return next ?? list;
}

/** Binary search by `compareRuns` for the element with `run`'s id; -1 when absent. */
function findSorted(list: readonly RunView[], run: RunView): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const order = compareRuns(list[mid], run);
    if (order === 0) return list[mid].id === run.id ? mid : -1;
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
