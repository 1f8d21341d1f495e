import type { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RunNotification, RunView } from '@onward/task-domain';

import { answerResync as answer, setupClient } from '../../testing/client-setup';
import { ALICE, type FakeSocketFactory, makeRun, nextRequest } from '../../testing/fakes';
import type { MonitorClient } from './monitor-client';

describe('MonitorClient', () => {
  let token: ReturnType<typeof signal<string | null>>;
  let sockets: FakeSocketFactory;
  let http: HttpTestingController;
  let client: MonitorClient;

  beforeEach(() => {
    token = signal<string | null>('tok-1');
    ({ sockets, http, client } = setupClient('http://srv/', () => token()));
  });

  afterEach(() => http.verify());

  /** Answers the REST calls of one resync with `runs`. */
  const answerResync = (runs: RunView[]) => answer(http, client, runs);

  it('opens one socket to the runs namespace with the token', () => {
    expect(sockets.sockets).toHaveLength(1);
    expect(sockets.last.url).toBe('http://srv/runs');
    expect(sockets.last.auth()).toEqual({ token: 'tok-1' });
    expect(client.connection()).toBe('connecting');
  });

  it('reads the runs over REST on connect and lists them, running first, foreground ones too', async () => {
    const done = makeRun({ status: 'completed', createdAt: '2026-01-02T00:00:00.000Z' });
    const running = makeRun({ status: 'running', createdAt: '2026-01-01T00:00:00.000Z' });
    // No dialog follows it in this window (e.g. after a reload): the monitor must show it.
    const foreground = makeRun({ mode: 'foreground', status: 'running', createdAt: '2025-12-31T00:00:00.000Z' });
    sockets.last.fire('connect');
    await answerResync([done, running, foreground]);

    expect(client.connection()).toBe('online');
    expect(client.user()).toEqual(ALICE);
    expect(client.runs().map((r) => r.id)).toEqual([running.id, foreground.id, done.id]);
    expect(client.runningCount()).toBe(2);
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
});
