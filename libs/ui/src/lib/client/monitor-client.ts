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

/** Pages read on a resync: enough for 1 000 runs without hammering the server. */
const RESYNC_PAGES = 5;
const PAGE_SIZE = 200;

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

  /** State of the socket: `online` once connected and resynchronised. */
  readonly connection = this.connectionState.asReadonly();
  /** The logged-in user, known after the first (re)connect. */
  readonly user = this.currentUser.asReadonly();
  /** The task catalogue (`GET /api/tasks`), loaded on connect. */
  readonly tasks = this.catalogue.asReadonly();
  /** Every run held, by id: the user's own, their subtasks and, for admins watching all, everyone's. */
  readonly runsById = computed(() => this.store().runs);
  /** The user's top-level background runs, running ones on top, newest first: what the panel lists. */
  readonly runs = computed(() => {
    const me = this.user();
    const list: RunView[] = [];
    for (const run of this.store().runs.values()) {
      if (run.parentId !== null || run.mode !== 'background') continue;
      if (me && run.owner.id !== me.id) continue;
      list.push(run);
    }
    return list.sort(compareRuns);
  });
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
      // The server only disconnects a socket itself when it refuses it.
      this.connectionState.set(reason === 'io server disconnect' ? 'unauthorized' : 'offline');
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
  }

  /**
   * Re-reads the runs over REST after every (re)connect: Socket.IO delivers at most once, so
   * anything that changed while offline is only known from here. Runs held before the read that
   * the server no longer lists were deleted meanwhile.
   */
  private async resync(): Promise<void> {
    const generation = ++this.syncGeneration;
    const heldBefore = new Set(this.store().runs.keys());
    try {
      const [user] = await Promise.all([this.me(), this.loadTasks().catch(() => [])]);
      const seen = new Set<string>();
      let cursor: string | null = null;
      let complete = false;
      for (let page = 0; page < RESYNC_PAGES; page++) {
        const result: RunPage = await this.get<RunPage>(
          '/api/runs',
          this.params({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
        );
        if (generation !== this.syncGeneration) return;
        this.merge(result.items);
        for (const run of result.items) seen.add(run.id);
        cursor = result.nextCursor;
        if (!cursor) {
          complete = true;
          break;
        }
      }
      if (generation !== this.syncGeneration) return;
      if (complete) {
        const vanished = [...this.store().runs.values()]
          .filter((r) => r.parentId === null && r.owner.id === user.id && heldBefore.has(r.id) && !seen.has(r.id))
          .map((r) => r.id);
        this.forget(vanished);
      }
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
    for (const view of views) {
      const old = before.get(view.id);
      const now = after.get(view.id);
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

  private call<T>(
    method: string,
    path: string,
    options: { params?: HttpParams; body?: unknown; responseType?: 'json' | 'blob' },
  ): Promise<T> {
    const token = this.config.token();
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
