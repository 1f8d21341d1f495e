import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { ALICE, makeRun, nextRequest } from '../../testing/fakes';
import { setupClientParts } from '../../testing/setup';
import { MonitorStore } from './monitor-store';
import { RunResync } from './run-resync';

describe('RunResync', () => {
  let http: HttpTestingController;
  let resync: RunResync;
  let store: MonitorStore;

  beforeEach(() => {
    http = setupClientParts();
    resync = TestBed.inject(RunResync);
    store = TestBed.inject(MonitorStore);
  });

  afterEach(() => http.verify());

  async function answerUserAndTasks(): Promise<void> {
    (await nextRequest(http, '/api/auth/me')).flush(ALICE);
    (await nextRequest(http, '/api/tasks')).flush([]);
  }

  it('reads the user, the catalogue and the newest page, and is then online', async () => {
    const run = makeRun();
    const done = resync.resync();
    await answerUserAndTasks();
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [run], nextCursor: null });
    await expect(done).resolves.toBe('online');
    expect(store.user()).toEqual(ALICE);
    expect(store.get(run.id)).toEqual(run);
    expect(resync.hasMore()).toBe(false);
  });

  it('pages every unfinished run through the same loop, until the server has no next page', async () => {
    const done = resync.resync();
    await answerUserAndTasks();
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [makeRun()], nextCursor: 'n1' });
    const unfinished: RunView[] = [];
    for (let page = 0; page < 3; page++) {
      const run = makeRun({ status: 'queued', createdAt: `2020-01-0${page + 1}T00:00:00.000Z` });
      unfinished.push(run);
      const cursor = page === 0 ? '' : `&cursor=u${page}`;
      const request = await nextRequest(http, new RegExp(`status=queued,running,cancelling&limit=200${cursor}$`));
      request.flush({ items: [run], nextCursor: page < 2 ? `u${page + 1}` : null });
    }
    await expect(done).resolves.toBe('online');
    expect(unfinished.every((r) => store.get(r.id))).toBe(true);
    expect(resync.hasMore()).toBe(true);
  });

  it('stops the loop after 100 pages however many the server offers', async () => {
    const done = resync.resync();
    await answerUserAndTasks();
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [], nextCursor: 'n1' });
    let pages = 0;
    // Bounded: a loop that never ends fails the test instead of hanging it.
    for (let turn = 0; turn < 10_000; turn++) {
      const found = http.match((req) => req.urlWithParams.includes('status='));
      if (found.length === 0) {
        const state = await Promise.race([done, Promise.resolve('pending')]);
        if (state !== 'pending') break;
        await new Promise<void>((resolve) => queueMicrotask(resolve));
        continue;
      }
      pages++;
      found[0].flush({ items: [], nextCursor: `u${pages}` });
    }
    expect(pages).toBe(100);
    await expect(done).resolves.toBe('online');
  });

  it('drops a read that a reset overtook, and reports the failure of a current one', async () => {
    const overtaken = resync.resync();
    await answerUserAndTasks();
    const list = await nextRequest(http, /\/api\/runs\?limit=200$/);
    resync.reset();
    list.flush({ items: [makeRun()], nextCursor: null });
    await expect(overtaken).resolves.toBeNull();
    expect(store.runsById().size).toBe(0);

    const refused = resync.resync();
    (await nextRequest(http, '/api/auth/me')).flush(null, { status: 401, statusText: 'Unauthorized' });
    (await nextRequest(http, '/api/tasks')).flush([]);
    await expect(refused).resolves.toBe('unauthorized');

    const failed = resync.resync();
    (await nextRequest(http, '/api/auth/me')).flush(null, { status: 503, statusText: 'Unavailable' });
    (await nextRequest(http, '/api/tasks')).flush([]);
    await expect(failed).resolves.toBe('offline');
  });

  it('reads older pages one at a time and remembers how many to read again', async () => {
    const first = resync.resync();
    await answerUserAndTasks();
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({
      items: [makeRun({ status: 'completed' })],
      nextCursor: 'c1',
    });
    (await nextRequest(http, /status=/)).flush({ items: [], nextCursor: null });
    await first;

    const more = resync.loadMore();
    expect(resync.loadingMore()).toBe(true);
    (await nextRequest(http, /\/api\/runs\?limit=200&cursor=c1$/)).flush({ items: [], nextCursor: 'c2' });
    await more;
    expect(resync.loadingMore()).toBe(false);

    const again = resync.resync();
    await answerUserAndTasks();
    (await nextRequest(http, /\/api\/runs\?limit=200$/)).flush({ items: [], nextCursor: 'd1' });
    (await nextRequest(http, /\/api\/runs\?limit=200&cursor=d1$/)).flush({ items: [], nextCursor: null });
    await expect(again).resolves.toBe('online');
    expect(resync.hasMore()).toBe(false);
  });
});
