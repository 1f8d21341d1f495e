import type { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import type { RunView } from '@onward/task-domain';

import { answerResync as answer, setupClient } from '../../testing/client-setup';
import { ALICE, type FakeSocketFactory, makeRun, nextRequest } from '../../testing/fakes';
import type { MonitorClient } from './monitor-client';

describe('MonitorClient after a reconnect', () => {
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
});
