import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { ALICE, FakeSocketFactory, makeRun } from '../../testing/fakes';
import { type ConnectionHooks, MonitorConnection } from './monitor-connection';
import { ONWARD_MONITOR_CONFIG, resolveMonitorConfig } from './monitor-config';
import type { ConnectionState, MonitorUser } from './monitor-types';
import { SocketFactory } from './socket-factory';

/** Hooks that record what the connection asked for; `synchronise` resolves when the test says. */
class RecordingHooks implements ConnectionHooks {
  readonly calls: string[] = [];
  user: MonitorUser | null = ALICE;
  tokenOwner: MonitorUser | null = ALICE;
  private settle: ((state: ConnectionState | null) => void) | null = null;

  synchronise(): Promise<ConnectionState | null> {
    this.calls.push('synchronise');
    return new Promise((resolve) => (this.settle = resolve));
  }
  /** Ends the pending synchronisation with `state`. */
  async synchronised(state: ConnectionState | null): Promise<void> {
    this.settle?.(state);
    await Promise.resolve();
  }
  reset(): void {
    this.calls.push('reset');
  }
  async whoAmI(): Promise<MonitorUser | null> {
    this.calls.push('whoAmI');
    return this.tokenOwner;
  }
  knownUser(): MonitorUser | null {
    return this.user;
  }
  updated(run: { id: string }): void {
    this.calls.push(`updated ${run.id}`);
  }
  deleted(id: string): void {
    this.calls.push(`deleted ${id}`);
  }
  notification(n: { id: string }): void {
    this.calls.push(`notification ${n.id}`);
  }
  statsUpdated(): void {
    this.calls.push('statsUpdated');
  }
}

describe('MonitorConnection', () => {
  let token: ReturnType<typeof signal<string | null>>;
  let sockets: FakeSocketFactory;
  let hooks: RecordingHooks;
  let connection: MonitorConnection;

  beforeEach(() => {
    token = signal<string | null>('tok-1');
    sockets = new FakeSocketFactory();
    hooks = new RecordingHooks();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        {
          provide: ONWARD_MONITOR_CONFIG,
          useValue: resolveMonitorConfig({ baseUrl: 'http://srv', token: () => token() }),
        },
        { provide: SocketFactory, useValue: sockets },
      ],
    });
    connection = TestBed.inject(MonitorConnection);
    connection.start(hooks);
    TestBed.tick();
  });

  it('connects to the runs namespace and is online only once synchronised', async () => {
    expect(sockets.last.url).toBe('http://srv/runs');
    expect(connection.state()).toBe('connecting');
    sockets.last.fire('connect');
    expect(hooks.calls).toEqual(['reset', 'synchronise']);
    expect(connection.state()).toBe('connecting');
    await hooks.synchronised('online');
    expect(connection.state()).toBe('online');
  });

  it('passes the socket’s events on', () => {
    const run = makeRun();
    sockets.last.fire('run.updated', run);
    sockets.last.fire('run.deleted', { id: 'gone' });
    sockets.last.fire('run.notification', { id: run.id, event: 'started', status: 'running', title: 'x', display: {} });
    expect(hooks.calls.slice(1)).toEqual([`updated ${run.id}`, 'deleted gone', `notification ${run.id}`]);
  });

  it('ignores a synchronisation that a newer socket overtook', async () => {
    sockets.last.fire('connect');
    connection.reconnect();
    expect(sockets.sockets).toHaveLength(2);
    await hooks.synchronised('online');
    expect(connection.state()).toBe('connecting');
  });

  it('connects again after the server closed the socket, and reports a refusal', () => {
    sockets.last.fire('disconnect', 'transport close');
    expect(connection.state()).toBe('offline');
    expect(sockets.last.opened).toBe(0);
    sockets.last.fire('disconnect', 'io server disconnect');
    expect(sockets.last.opened).toBe(1);
    expect(connection.state()).toBe('connecting');
    sockets.last.fire('connect_error', new Error('unauthorized'));
    expect(connection.state()).toBe('unauthorized');
    sockets.last.fire('connect_error', new Error('xhr poll error'));
    expect(connection.state()).toBe('offline');
  });

  it('closes the socket and resets on logout', () => {
    const first = sockets.last;
    token.set(null);
    TestBed.tick();
    expect(first.closed).toBe(true);
    expect(hooks.calls).toEqual(['reset', 'reset']);
    expect(connection.state()).toBe('idle');
  });

  it('keeps the socket for the same user’s refreshed token, and starts afresh for another user’s', async () => {
    token.set('tok-2');
    TestBed.tick();
    await Promise.resolve();
    expect(hooks.calls).toEqual(['reset', 'whoAmI']);
    expect(sockets.sockets).toHaveLength(1);

    hooks.tokenOwner = { ...ALICE, id: 'u-bob', username: 'bob' };
    token.set('tok-bob');
    TestBed.tick();
    for (let i = 0; i < 5 && sockets.sockets.length < 2; i++) await Promise.resolve();
    expect(hooks.calls).toEqual(['reset', 'whoAmI', 'whoAmI', 'reset']);
    expect(sockets.sockets[0].closed).toBe(true);
    expect(sockets.last.auth()).toEqual({ token: 'tok-bob' });
  });

  it('subscribes to every run when online and after each connect, until every watcher unwatched', async () => {
    connection.watchAll();
    expect(sockets.last.emitted).toEqual([]);
    sockets.last.fire('connect');
    await hooks.synchronised('online');
    expect(sockets.last.emitted).toEqual(['subscribe.all']);
    // A second watcher (the dashboard beside the admin table): already subscribed.
    connection.watchAll();
    expect(sockets.last.emitted).toEqual(['subscribe.all']);
    expect(connection.unwatchAll()).toBe(false);
    sockets.last.fire('connect');
    expect(sockets.last.emitted).toEqual(['subscribe.all', 'subscribe.all']);
    expect(connection.unwatchAll()).toBe(true);
    expect(connection.unwatchAll()).toBe(false);
    sockets.last.fire('connect');
    expect(sockets.last.emitted).toHaveLength(2);
  });
});
