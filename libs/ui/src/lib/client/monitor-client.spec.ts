import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunNotification, RunView } from '@onward/task-domain';

import { ALICE, FakeSocketFactory, makeRun, nextRequest } from '../../testing/fakes';
import { provideOnwardMonitor } from '../provide-onward-monitor';
import { MonitorClient } from './monitor-client';
import { SocketFactory } from './socket-factory';

describe('MonitorClient', () => {
  let token: ReturnType<typeof signal<string | null>>;
  let sockets: FakeSocketFactory;
  let http: HttpTestingController;
  let client: MonitorClient;

  beforeEach(() => {
    token = signal<string | null>('tok-1');
    sockets = new FakeSocketFactory();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideOnwardMonitor({ baseUrl: 'http://srv/', token: () => token() }),
        { provide: SocketFactory, useValue: sockets },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    client = TestBed.inject(MonitorClient);
    TestBed.tick();
  });

  afterEach(() => http.verify());

  /** Answers the REST calls of one resync with `runs`. */
  async function answerResync(runs: RunView[]): Promise<void> {
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    const list = await nextRequest(http, /\/api\/runs\?limit=200$/);
    expect(list.request.headers.get('Authorization')).toBe('Bearer tok-1');
    list.flush({ items: runs, nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();
  }

  it('opens one socket to the runs namespace with the token', () => {
    expect(sockets.sockets).toHaveLength(1);
    expect(sockets.last.url).toBe('http://srv/runs');
    expect(sockets.last.auth()).toEqual({ token: 'tok-1' });
    expect(client.connection()).toBe('connecting');
  });

  it('reads the runs over REST on connect and lists background runs, running first', async () => {
    const done = makeRun({ status: 'completed', createdAt: '2026-01-02T00:00:00.000Z' });
    const running = makeRun({ status: 'running', createdAt: '2026-01-01T00:00:00.000Z' });
    const foreground = makeRun({ mode: 'foreground' });
    sockets.last.fire('connect');
    await answerResync([done, running, foreground]);

    expect(client.connection()).toBe('online');
    expect(client.user()).toEqual(ALICE);
    expect(client.runs().map((r) => r.id)).toEqual([running.id, done.id]);
    expect(client.runningCount()).toBe(1);
  });

  it('ignores an update whose version is not newer than the one held', async () => {
    const run = makeRun({ version: 5, progress: { percent: 50, message: 'half' } });
    sockets.last.fire('connect');
    await answerResync([run]);

    sockets.last.fire('run.updated', { ...run, version: 4, progress: { percent: 10, message: 'old' } });
    sockets.last.fire('run.updated', { ...run, version: 5, progress: { percent: 20, message: 'same' } });
    expect(client.run(run.id)?.progress.message).toBe('half');

    sockets.last.fire('run.updated', { ...run, version: 6, progress: { percent: 60, message: 'newer' } });
    expect(client.run(run.id)?.progress).toEqual({ percent: 60, message: 'newer' });
  });

  it('removes deleted runs and never brings them back through a late update', async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);

    sockets.last.fire('run.deleted', { id: run.id });
    expect(client.runs()).toEqual([]);
    sockets.last.fire('run.updated', { ...run, version: 9 });
    expect(client.runs()).toEqual([]);
  });

  it('resynchronises after a reconnect: newer state wins, runs deleted meanwhile go', async () => {
    const kept = makeRun({ version: 1 });
    const deletedWhileOffline = makeRun({ version: 1 });
    sockets.last.fire('connect');
    await answerResync([kept, deletedWhileOffline]);

    sockets.last.fire('disconnect', 'transport close');
    expect(client.connection()).toBe('offline');

    // While offline the run finished and the other one was deleted; no socket event said so.
    sockets.last.fire('connect');
    const finished = { ...kept, version: 7, status: 'completed' as const, finishedAt: '2026-01-01T13:00:00.000Z' };
    const startedMeanwhile = makeRun({ version: 1 });
    await answerResync([finished, startedMeanwhile]);

    expect(client.connection()).toBe('online');
    expect(client.run(kept.id)?.status).toBe('completed');
    expect(client.run(deletedWhileOffline.id)).toBeUndefined();
    expect(
      client
        .runs()
        .map((r) => r.id)
        .sort(),
    ).toEqual([kept.id, startedMeanwhile.id].sort());
    expect(client.unseenFinished().has(kept.id)).toBe(true);
  });

  it('keeps a newer socket update over an older REST answer', async () => {
    const run = makeRun({ version: 1 });
    sockets.last.fire('connect');
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    const list = await nextRequest(http, /\/api\/runs\?limit=200$/);
    sockets.last.fire('run.updated', { ...run, version: 3, progress: { percent: 90, message: 'live' } });
    list.flush({ items: [run], nextCursor: null });
    await Promise.resolve();
    expect(client.run(run.id)?.version).toBe(3);
  });

  it('passes run.notification on and remembers runs the user cancelled', async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);
    const seen: RunNotification[] = [];
    client.notifications$.subscribe((n) => seen.push(n));
    const note: RunNotification = {
      id: run.id,
      event: 'started',
      status: 'running',
      title: run.title,
      display: run.display,
    };
    sockets.last.fire('run.notification', note);
    expect(seen).toEqual([note]);

    const cancelling = client.cancel(run.id);
    const req = await nextRequest(http, `http://srv/api/runs/${run.id}/cancel`, 'POST');
    req.flush({ ...run, status: 'cancelling', version: 2 });
    await cancelling;
    expect(client.cancelledByUser(run.id)).toBe(true);
    expect(client.run(run.id)?.status).toBe('cancelling');
  });

  it('sends the REST calls of the contract', async () => {
    const run = makeRun({
      status: 'completed',
      result: { type: 'file', fileName: 'a.pdf', contentType: 'application/pdf', size: 3 },
    });
    const start = client.startRun({ task: 'sales-report', rows: [{ customer: 'Acme', year: 2024 }] });
    const post = await nextRequest(http, 'http://srv/api/runs', 'POST');
    expect(post.request.body).toEqual({ task: 'sales-report', rows: [{ customer: 'Acme', year: 2024 }] });
    post.flush(run);
    await start;

    const patch = client.moveToBackground(run.id);
    const p = await nextRequest(http, `http://srv/api/runs/${run.id}`, 'PATCH');
    expect(p.request.body).toEqual({ mode: 'background' });
    p.flush({ ...run, version: 2 });
    await patch;

    const blob = client.fetchResult(run.id);
    const r = await nextRequest(http, `http://srv/api/runs/${run.id}/result`);
    expect(r.request.responseType).toBe('blob');
    expect(r.request.headers.get('Authorization')).toBe('Bearer tok-1');
    r.flush(new Blob(['pdf']));
    await blob;

    const admin = client.listAdminRuns({ user: 'bob', status: ['running', 'queued'] });
    (await nextRequest(http, /\/api\/admin\/runs\?status=running,queued&user=bob$/)).flush({
      items: [],
      nextCursor: null,
    });
    await admin;

    const del = client.delete(run.id);
    (await nextRequest(http, `http://srv/api/runs/${run.id}`, 'DELETE')).flush(null, {
      status: 204,
      statusText: 'No Content',
    });
    await del;
    expect(client.run(run.id)).toBeUndefined();

    const wait = client.wait('x', 90);
    (await nextRequest(http, /\/api\/runs\/x\/wait\?timeout=60$/)).flush(makeRun({ id: 'x' }));
    await wait;
  });

  it('keeps a scheduler’s subtasks in row order', async () => {
    const parent = makeRun({ scheduler: { total: 2, completed: 0, failed: 0, cancelled: 0, current: null } });
    const b = makeRun({ parentId: parent.id, display: { customer: 'Globex', year: 2024 } });
    const a = makeRun({ parentId: parent.id, display: { customer: 'Acme', year: 2024 } });
    const expanding = client.expand(parent.id);
    (await nextRequest(http, `http://srv/api/runs/${parent.id}`)).flush({ ...parent, children: [b, a] });
    await expanding;
    expect(client.childrenOf(parent.id).map((c) => c.id)).toEqual([b.id, a.id]);
    expect(client.runs().map((r) => r.id)).toEqual([parent.id]);
  });

  it('subscribes to every run for admins, again after each reconnect', async () => {
    client.watchAll();
    sockets.last.fire('connect');
    expect(sockets.last.emitted).toEqual(['subscribe.all']);
    await answerResync([]);
    sockets.last.fire('disconnect', 'transport close');
    sockets.last.fire('connect');
    expect(sockets.last.emitted).toEqual(['subscribe.all', 'subscribe.all']);
    await answerResync([]);
  });

  it('closes the socket and forgets everything on logout, reconnects on a new login', async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);
    const first = sockets.last;

    token.set(null);
    TestBed.tick();
    expect(first.closed).toBe(true);
    expect(client.runs()).toEqual([]);
    expect(client.connection()).toBe('idle');

    token.set('tok-2');
    TestBed.tick();
    expect(sockets.sockets).toHaveLength(2);
    expect(sockets.last.auth()).toEqual({ token: 'tok-2' });
  });

  it('reports a refused socket as unauthorized', () => {
    sockets.last.fire('connect_error', new Error('unauthorized'));
    expect(client.connection()).toBe('unauthorized');
  });
});
