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

  it('patches the sorted list on a progress tick and sorts again when a run finishes', async () => {
    const runs = Array.from({ length: 300 }, (_, i) =>
      makeRun({
        status: i % 10 === 0 ? 'running' : 'completed',
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      }),
    );
    sockets.last.fire('connect');
    await answerResync(runs);
    const before = client.runs();
    const ticking = before[3];
    expect(ticking.status).toBe('running');

    // Two ticks before the list is read again (one frame): patched, not sorted again.
    const sort = jest.spyOn(Array.prototype, 'sort');
    sockets.last.fire('run.updated', { ...ticking, version: 2, progress: { percent: 70, message: 'tick' } });
    sockets.last.fire('run.updated', { ...ticking, version: 3, progress: { percent: 77, message: 'tock' } });
    const after = client.runs();
    expect(sort).not.toHaveBeenCalled();
    sort.mockRestore();
    expect(after).not.toBe(before);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after[3].progress.percent).toBe(77);

    // A subtask's tick does not touch the list at all.
    sockets.last.fire('run.updated', makeRun({ parentId: ticking.id }));
    expect(client.runs()).toBe(after);

    sockets.last.fire('run.updated', {
      ...ticking,
      version: 4,
      status: 'completed',
      finishedAt: '2026-01-02T00:00:00.000Z',
    });
    const sorted = client.runs();
    expect(sorted.filter((r) => r.status === 'running')).toHaveLength(29);
    expect(sorted.slice(0, 29).every((r) => r.status === 'running')).toBe(true);
    const expected = [...sorted].sort((a, b) =>
      a.status === 'running' && b.status !== 'running'
        ? -1
        : b.status === 'running' && a.status !== 'running'
          ? 1
          : a.createdAt < b.createdAt
            ? 1
            : -1,
    );
    expect(sorted.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('loads the newest page and every unfinished run, then older pages on demand', async () => {
    const newest = makeRun({ status: 'completed' });
    const oldRunning = makeRun({ status: 'running', createdAt: '2025-01-01T00:00:00.000Z' });
    const older = makeRun({ status: 'failed', createdAt: '2024-06-01T00:00:00.000Z' });
    sockets.last.fire('connect');
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [newest], nextCursor: 'c1' });
    const active = await nextRequest(http, /\/api\/runs\?status=queued,running,cancelling&limit=200$/);
    active.flush({ items: [oldRunning], nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();

    expect(client.connection()).toBe('online');
    expect(client.runs().map((r) => r.id)).toEqual([oldRunning.id, newest.id]);
    expect(client.hasMore()).toBe(true);

    const loading = client.loadMore();
    expect(client.loadingMore()).toBe(true);
    void client.loadMore(); // a second call while one page is read asks for nothing more
    (await nextRequest(http, /\/api\/runs\?limit=200&cursor=c1$/)).flush({
      items: [oldRunning, older],
      nextCursor: null,
    });
    await loading;
    expect(client.loadingMore()).toBe(false);
    expect(client.hasMore()).toBe(false);
    expect(client.runs().map((r) => r.id)).toEqual([oldRunning.id, newest.id, older.id]);
  });

  it('re-reads as many pages as were loaded after a reconnect and asks for held runs beyond them', async () => {
    const a = makeRun({ status: 'completed', createdAt: '2026-01-03T00:00:00.000Z' });
    const b = makeRun({ status: 'completed', createdAt: '2026-01-02T00:00:00.000Z' });
    const c = makeRun({ status: 'running', createdAt: '2026-01-01T00:00:00.000Z' });
    const z = makeRun({ status: 'completed', createdAt: '2026-01-01T12:00:00.000Z' });
    sockets.last.fire('connect');
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [a], nextCursor: 'c1' });
    (await nextRequest(http, /status=queued,running,cancelling/)).flush({ items: [c], nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();
    const more = client.loadMore();
    (await nextRequest(http, /cursor=c1$/)).flush({ items: [b], nextCursor: 'c2' });
    await more;

    sockets.last.fire('disconnect', 'transport close');
    sockets.last.fire('connect');
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    // Meanwhile b was deleted and c finished: two pages are read again (b is missing from them).
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [a], nextCursor: 'd1' });
    (await nextRequest(http, /\/api\/runs\?limit=200&cursor=d1$/)).flush({ items: [z], nextCursor: 'd2' });
    (await nextRequest(http, /status=queued,running,cancelling/)).flush({ items: [], nextCursor: null });
    // c, held as running and older than what was read, is asked for by id.
    (await nextRequest(http, `http://srv/api/runs/${c.id}`)).flush({
      ...c,
      version: 5,
      status: 'completed',
      finishedAt: '2026-01-04T00:00:00.000Z',
    });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();

    expect(client.connection()).toBe('online');
    expect(client.run(b.id)).toBeUndefined();
    expect(client.run(c.id)?.status).toBe('completed');
    expect(client.hasMore()).toBe(true);
  });

  it("keeps socket and runs when the host refreshes the same user's token, and reconnects with it after the server closed the socket", async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);

    token.set('tok-2');
    TestBed.tick();
    const check = await nextRequest(http, 'http://srv/api/auth/me');
    expect(check.request.headers.get('Authorization')).toBe('Bearer tok-2');
    check.flush(ALICE);
    await Promise.resolve();
    expect(sockets.sockets).toHaveLength(1);
    expect(sockets.last.closed).toBe(false);
    expect(client.run(run.id)).toBeDefined();

    // The server disconnects the socket when tok-1 expires: the client connects again, with tok-2.
    sockets.last.fire('disconnect', 'io server disconnect');
    expect(sockets.last.opened).toBe(1);
    expect(client.connection()).toBe('connecting');
    expect(sockets.last.auth()).toEqual({ token: 'tok-2' });
    sockets.last.fire('connect');
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    (await nextRequest(http, 'http://srv/api/tasks')).flush([]);
    const list = await nextRequest(http, /\/api\/runs\?limit=200$/);
    expect(list.request.headers.get('Authorization')).toBe('Bearer tok-2');
    list.flush({ items: [{ ...run, version: run.version + 1, status: 'completed' }], nextCursor: null });
    for (let i = 0; i < 20 && client.connection() !== 'online'; i++) await Promise.resolve();
    expect(client.connection()).toBe('online');
    expect(client.run(run.id)?.status).toBe('completed');
  });

  it("starts afresh when a new token is another user's", async () => {
    const run = makeRun();
    sockets.last.fire('connect');
    await answerResync([run]);

    token.set('tok-bob');
    TestBed.tick();
    (await nextRequest(http, 'http://srv/api/auth/me')).flush({ ...ALICE, id: 'u-bob', username: 'bob' });
    for (let i = 0; i < 20 && sockets.sockets.length < 2; i++) await Promise.resolve();
    expect(sockets.sockets).toHaveLength(2);
    expect(sockets.sockets[0].closed).toBe(true);
    expect(sockets.last.auth()).toEqual({ token: 'tok-bob' });
    expect(client.run(run.id)).toBeUndefined();
  });

  it('reports a socket refused on reconnecting after a server disconnect as unauthorized, and tries the next token', async () => {
    sockets.last.fire('connect');
    await answerResync([]);
    sockets.last.fire('disconnect', 'io server disconnect');
    expect(sockets.last.opened).toBe(1);
    sockets.last.fire('connect_error', new Error('unauthorized'));
    expect(client.connection()).toBe('unauthorized');

    // The host's renewed token arrives late: the same user's, so the socket connects again with it.
    token.set('tok-2');
    TestBed.tick();
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(ALICE);
    for (let i = 0; i < 20 && sockets.last.opened < 2; i++) await Promise.resolve();
    expect(sockets.last.opened).toBe(2);
    expect(sockets.sockets).toHaveLength(1);
    expect(client.connection()).toBe('connecting');
    expect(sockets.last.auth()).toEqual({ token: 'tok-2' });
  });
});

describe('MonitorClient with a token the host refreshes outside a signal', () => {
  let current: string;
  let asked: number;
  let http: HttpTestingController;
  let client: MonitorClient;

  beforeEach(() => {
    current = 'tok-1';
    asked = 0;
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideOnwardMonitor({
          baseUrl: 'http://srv',
          token: () => {
            asked++;
            return current;
          },
        }),
        { provide: SocketFactory, useValue: new FakeSocketFactory() },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    client = TestBed.inject(MonitorClient);
    TestBed.tick();
  });

  afterEach(() => http.verify());

  it('retries a request refused with 401 once, with the fresh token the host gives', async () => {
    const user = client.me();
    const first = await nextRequest(http, 'http://srv/api/auth/me');
    expect(first.request.headers.get('Authorization')).toBe('Bearer tok-1');
    current = 'tok-2';
    const before = asked;
    first.flush(
      { statusCode: 401, error: 'Unauthorized', message: 'expired' },
      { status: 401, statusText: 'Unauthorized' },
    );
    const retry = await nextRequest(http, 'http://srv/api/auth/me');
    expect(asked).toBe(before + 1);
    expect(retry.request.headers.get('Authorization')).toBe('Bearer tok-2');
    retry.flush(ALICE);
    await expect(user).resolves.toEqual(ALICE);
  });

  it('gives up on a 401 when the host has no other token, or when the retry is refused too', async () => {
    const same = client.me();
    (await nextRequest(http, 'http://srv/api/auth/me')).flush(null, { status: 401, statusText: 'Unauthorized' });
    await expect(same).rejects.toMatchObject({ status: 401 });
    expect(http.match(() => true)).toEqual([]);

    const twice = client.me();
    const first = await nextRequest(http, 'http://srv/api/auth/me');
    current = 'tok-3';
    first.flush(null, { status: 401, statusText: 'Unauthorized' });
    const retry = await nextRequest(http, 'http://srv/api/auth/me');
    expect(retry.request.headers.get('Authorization')).toBe('Bearer tok-3');
    retry.flush(null, { status: 401, statusText: 'Unauthorized' });
    await expect(twice).rejects.toMatchObject({ status: 401 });
    expect(http.match(() => true)).toEqual([]);
  });
});
