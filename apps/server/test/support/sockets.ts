/**
 * A real socket.io-client on the `/runs` namespace that records every event it receives, so a test
 * can wait for an event that may already have arrived (no race between "start" and "listen").
 */
import { io, type Socket } from 'socket.io-client';

import { ACTIVE_STATUSES, type RunNotification, type RunView } from './contract';

export interface RecordedEvent {
  name: string;
  payload: unknown;
  at: number;
}

interface Waiter {
  name: string;
  predicate: (payload: unknown) => boolean;
  resolve: (payload: unknown) => void;
}

export class RunsSocket {
  readonly events: RecordedEvent[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(readonly socket: Socket) {
    socket.onAny((name: string, payload: unknown) => {
      this.events.push({ name, payload, at: Date.now() });
      for (const waiter of [...this.waiters]) {
        if (waiter.name === name && waiter.predicate(payload)) {
          this.waiters.delete(waiter);
          waiter.resolve(payload);
        }
      }
    });
  }

  /** Resolves with the first event `name` (already received or still to come) that matches. */
  waitFor<T>(name: string, predicate: (payload: T) => boolean = () => true, withinMs = 20_000): Promise<T> {
    const seen = this.events.find((e) => e.name === name && predicate(e.payload as T));
    if (seen) return Promise.resolve(seen.payload as T);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        name,
        predicate: (payload) => predicate(payload as T),
        resolve: (payload) => {
          clearTimeout(timer);
          resolve(payload as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const names = this.events.map((e) => e.name).slice(-20);
        reject(
          new Error(`no matching "${name}" within ${withinMs} ms; last events received: ${JSON.stringify(names)}`),
        );
      }, withinMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits for a run.updated of this run that matches. */
  waitForRun(id: string, predicate: (run: RunView) => boolean, withinMs = 20_000): Promise<RunView> {
    return this.waitFor<RunView>('run.updated', (run) => run.id === id && predicate(run), withinMs);
  }

  payloads<T>(name: string): T[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as T);
  }

  /** Every run.updated received, in arrival order. */
  updates(filter: (run: RunView) => boolean = () => true): RunView[] {
    return this.payloads<RunView>('run.updated').filter(filter);
  }

  notifications(id: string): RunNotification[] {
    return this.payloads<RunNotification>('run.notification').filter((n) => n.id === id);
  }

  /** Payloads of every `error` event received. */
  errorsReceived(): unknown[] {
    return this.payloads<unknown>('error');
  }

  /** Every run id this socket has heard of, by any event. */
  runIdsSeen(): Set<string> {
    const ids = new Set<string>();
    for (const e of this.events) {
      const id = (e.payload as { id?: unknown } | null)?.id;
      if (typeof id === 'string') ids.add(id);
    }
    return ids;
  }

  emit(name: string, ...args: unknown[]): void {
    this.socket.emit(name, ...args);
  }

  close(): void {
    this.socket.disconnect();
  }
}

function rawSocket(url: string, token: string | undefined): Socket {
  return io(`${url}/runs`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
}

/** Connects with a token and resolves once connected; rejects on connect_error. */
export function connectRuns(url: string, token: string): Promise<RunsSocket> {
  const socket = rawSocket(url, token);
  const runs = new RunsSocket(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(runs));
    socket.once('connect_error', (error: Error) => {
      socket.disconnect();
      reject(new Error(`socket connect_error: ${error.message}`));
    });
  });
}

/** What happens when connecting with this token (or none): `connected`, or the connect_error message. */
export function connectOutcome(
  url: string,
  token: string | undefined,
): Promise<{ connected: boolean; message: string | null }> {
  const socket = rawSocket(url, token);
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: { connected: boolean; message: string | null }): void => {
      if (settled) return;
      settled = true; // before disconnecting: our own disconnect must not report "disconnected after connect"
      resolve(outcome);
      socket.disconnect();
    };
    socket.once('connect', () => {
      // Some servers accept the handshake and disconnect right after authenticating in handleConnection.
      const timer = setTimeout(() => done({ connected: true, message: null }), 1_000);
      socket.once('disconnect', () => {
        clearTimeout(timer);
        done({ connected: false, message: 'disconnected after connect' });
      });
    });
    socket.once('connect_error', (error: Error) => done({ connected: false, message: error.message }));
  });
}

/**
 * Replays run.updated views in arrival order, keeping the newest version of each run (as API.md
 * tells clients to), and returns the largest number of runs that were active (running or
 * cancelling) at once, among the runs the filter selects.
 */
export function maxActiveAtOnce(updates: RunView[], filter: (run: RunView) => boolean = () => true): number {
  const latest = new Map<string, RunView>();
  let max = 0;
  for (const view of updates) {
    if (!filter(view)) continue;
    const held = latest.get(view.id);
    if (held && held.version >= view.version) continue;
    latest.set(view.id, view);
    const active = [...latest.values()].filter((r) => ACTIVE_STATUSES.includes(r.status)).length;
    max = Math.max(max, active);
  }
  return max;
}

/**
 * The largest number of runs whose [startedAt, finishedAt) intervals overlap, from their final views.
 */
export function maxOverlap(runs: RunView[]): number {
  const points: [number, number][] = [];
  for (const r of runs) {
    if (!r.startedAt) continue;
    points.push([Date.parse(r.startedAt), 1]);
    points.push([r.finishedAt ? Date.parse(r.finishedAt) : Number.POSITIVE_INFINITY, -1]);
  }
  // At equal instants an end comes before a start: a run that finished when another started did not overlap it.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of points) {
    current += delta;
    max = Math.max(max, current);
  }
  return max;
}
