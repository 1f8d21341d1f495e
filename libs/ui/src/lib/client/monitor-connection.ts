import { DestroyRef, effect, inject, Injectable, Injector, signal, untracked } from '@angular/core';
import { RUNS_NAMESPACE, type RunNotification, type RunView } from '@onward/task-domain';

import { ONWARD_MONITOR_CONFIG } from './monitor-config';
import type { ConnectionState, MonitorUser } from './monitor-types';
import { type MonitorSocket, SocketFactory } from './socket-factory';

/** What the connection asks of its owner (the client), so it holds no run itself. */
export interface ConnectionHooks {
  /** The socket (re)connected: read what changed meanwhile; the state to show, or null when overtaken. */
  synchronise(): Promise<ConnectionState | null>;
  /** The token is now another user's, or none: forget the previous user's state. */
  reset(): void;
  /** Who the current token belongs to (`GET /api/auth/me`); null when that cannot be told. */
  whoAmI(): Promise<MonitorUser | null>;
  /** The user known before the token changed. */
  knownUser(): MonitorUser | null;
  updated(run: RunView): void;
  deleted(id: string): void;
  notification(notification: RunNotification): void;
  /** Admins watching every run: the run statistics changed. */
  statsUpdated(): void;
}

/**
 * The one Socket.IO connection to `/runs` and its lifecycle: follows the host's token (a new
 * user's token means a new socket and a fresh state; the same user's refreshed token keeps both),
 * connects again after the server closed the socket (an expired token), subscribes admins to every
 * run after each connect, and reports the state.
 */
@Injectable({ providedIn: 'root' })
export class MonitorConnection {
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly sockets = inject(SocketFactory);
  private readonly injector = inject(Injector);
  private readonly current = signal<ConnectionState>('idle');
  private hooks: ConnectionHooks | null = null;
  private socket: MonitorSocket | null = null;
  private token: string | null = null;
  /** How many watchers asked for every user's runs (the admin table, the dashboard): on while above 0. */
  private watchers = 0;

  /** State of the socket: `online` once connected and resynchronised. */
  readonly state = this.current.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.closeSocket());
  }

  /** Starts following the host's token; `hooks` receive the events. */
  start(hooks: ConnectionHooks): void {
    this.hooks = hooks;
    effect(
      () => {
        const token = this.config.token();
        untracked(() => this.useToken(token));
      },
      { injector: this.injector },
    );
  }

  /** Connects again now, e.g. after the host refreshed its token outside a signal. */
  reconnect(): void {
    this.useToken(this.config.token(), true);
  }

  /** Receive every user's runs too (admins), again after each reconnect, until `unwatchAll`. */
  watchAll(): void {
    this.watchers++;
    if (this.watchers === 1 && this.current() === 'online') this.socket?.emit('subscribe.all');
  }

  /**
   * One watcher fewer; when it was the last, other users' runs stop from the next connect on. False
   * unless that last watcher just left.
   */
  unwatchAll(): boolean {
    if (this.watchers === 0) return false;
    this.watchers--;
    return this.watchers === 0;
  }

  private useToken(token: string | null, force = false): void {
    const hooks = this.hooks;
    if (!hooks) return;
    if (!force && token === this.token && (this.socket || !token)) return;
    if (!force && token && this.token && this.socket) {
      // A new token while connected is most often the same user's, refreshed: the socket stays (the
      // server closes it when its token expires, and it reconnects with this one) and so do the runs,
      // unless the token turns out to be someone else's.
      this.token = token;
      void this.followRefreshedToken(hooks, token);
      return;
    }
    const userChanged = token !== this.token;
    this.token = token;
    this.closeSocket();
    if (userChanged) hooks.reset();
    if (!token) {
      this.current.set('idle');
      return;
    }
    this.open(hooks);
  }

  private open(hooks: ConnectionHooks): void {
    this.current.set('connecting');
    const socket = this.sockets.connect(`${this.config.baseUrl}${RUNS_NAMESPACE}`, () => ({
      token: this.config.token(),
    }));
    this.socket = socket;
    socket.onConnect(() => {
      if (this.socket !== socket) return;
      if (this.watchers > 0) socket.emit('subscribe.all');
      void hooks.synchronise().then((state) => {
        if (state && this.socket === socket) this.current.set(state);
      });
    });
    socket.onDisconnect((reason) => {
      if (this.socket !== socket) return;
      if (reason !== 'io server disconnect') {
        this.current.set('offline');
        return;
      }
      // The server closed the socket itself: its token expired (or the user may no longer connect).
      // Socket.IO does not reconnect after that on its own; connecting again asks the host's
      // token() for a fresh token, and a refused one ends in connect_error "unauthorized".
      this.current.set('connecting');
      socket.open();
    });
    socket.onConnectError((error) => {
      if (this.socket !== socket) return;
      this.current.set(error.message === 'unauthorized' ? 'unauthorized' : 'offline');
    });
    socket.on('run.updated', (run) => hooks.updated(run));
    socket.on('run.deleted', ({ id }) => hooks.deleted(id));
    socket.on('run.notification', (n) => hooks.notification(n));
    socket.on('stats.updated', () => hooks.statsUpdated());
  }

  /** After a token change while connected: starts afresh only if the token is another user's. */
  private async followRefreshedToken(hooks: ConnectionHooks, token: string): Promise<void> {
    const before = hooks.knownUser();
    const user = await hooks.whoAmI();
    if (this.token !== token) return;
    if (user && before && user.id === before.id) {
      // The socket was refused with the old token (it expired before this one came): try this one.
      if (this.current() === 'unauthorized' && this.socket) {
        this.current.set('connecting');
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
}
