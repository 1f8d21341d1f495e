import type { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import type { RunView, ServerToClientEvents } from '@onward/task-domain';

import { type MonitorSocket, SocketFactory } from '../lib/client/socket-factory';

type Listener = (...args: never[]) => void;

/** A socket that a test drives by hand: `fire('connect')`, `fire('run.updated', view)`. */
export class FakeSocket implements MonitorSocket {
  readonly emitted: string[] = [];
  closed = false;
  /** How often the client asked to connect again (`open()`). */
  opened = 0;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly auth: () => { token: string | null },
  ) {}

  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void {
    this.add(event, listener as Listener);
  }
  onConnect(listener: () => void): void {
    this.add('connect', listener);
  }
  onDisconnect(listener: (reason: string) => void): void {
    this.add('disconnect', listener as Listener);
  }
  onConnectError(listener: (error: Error) => void): void {
    this.add('connect_error', listener as Listener);
  }
  emit(event: string): void {
    this.emitted.push(event);
  }
  open(): void {
    this.opened++;
  }
  close(): void {
    this.closed = true;
  }

  /** Delivers an event to the client's listeners. */
  fire(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }

  private add(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
}

/** Records every connection the client opens. */
export class FakeSocketFactory extends SocketFactory {
  readonly sockets: FakeSocket[] = [];

  connect(url: string, auth: () => { token: string | null }): FakeSocket {
    const socket = new FakeSocket(url, auth);
    this.sockets.push(socket);
    return socket;
  }

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
}

/** Waits (on promise turns, not on time) until the client has sent a request matching `url`. */
export async function nextRequest(
  http: HttpTestingController,
  url: string | RegExp,
  method = 'GET',
): Promise<TestRequest> {
  for (let turn = 0; turn < 50; turn++) {
    const found = http.match(
      (req) => req.method === method && (typeof url === 'string' ? req.url === url : url.test(req.urlWithParams)),
    );
    if (found.length > 0) return found[0];
    await Promise.resolve();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }
  throw new Error(`no ${method} request to ${url}`);
}

let counter = 0;

/** A RunView with sensible defaults. */
export function makeRun(overrides: Partial<RunView> = {}): RunView {
  counter++;
  return {
    id: `run-${counter}`,
    task: 'sales-report',
    title: 'Sales report',
    kind: 'report',
    owner: { id: 'u-alice', username: 'alice' },
    mode: 'background',
    display: { customer: 'Acme', year: 2024 },
    status: 'running',
    progress: { percent: 42, message: 'Section 2 of 5' },
    result: null,
    error: null,
    parentId: null,
    scheduler: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, counter)).toISOString(),
    startedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, counter)).toISOString(),
    finishedAt: null,
    version: 1,
    cancelledBy: null,
    ...overrides,
  };
}

export const ALICE = { id: 'u-alice', username: 'alice', displayName: 'Alice', roles: ['user' as const] };
