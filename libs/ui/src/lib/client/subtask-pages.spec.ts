import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { makeRun, nextRequest } from '../../testing/fakes';
import { setupClientParts } from '../../testing/setup';
import { MonitorStore } from './monitor-store';
import { SUBTASK_PAGE_SIZE, SubtaskPages } from './subtask-pages';

describe('SubtaskPages', () => {
  let http: HttpTestingController;
  let pages: SubtaskPages;
  let store: MonitorStore;
  let parent: RunView;
  let rows: RunView[];

  beforeEach(() => {
    http = setupClientParts();
    pages = TestBed.inject(SubtaskPages);
    store = TestBed.inject(MonitorStore);
    parent = makeRun({ scheduler: { total: 500, completed: 0, failed: 0, cancelled: 0, current: null } });
    rows = Array.from({ length: 500 }, (_, i) => makeRun({ id: `row-${i}`, parentId: parent.id, status: 'queued' }));
  });

  afterEach(() => http.verify());

  const ids = (runs: readonly RunView[]) => runs.map((r) => r.id);

  /** Expands the scheduler, answering with its first page. */
  async function expand(version = 1): Promise<void> {
    const expanding = pages.expand(parent.id);
    (await nextRequest(http, `/api/runs/${parent.id}`)).flush({
      ...parent,
      version,
      children: rows.slice(0, SUBTASK_PAGE_SIZE).map((r) => ({ ...r, version })),
      childrenCursor: 'p200',
    });
    await expanding;
  }

  async function answerPage(cursor: string, start: number, next: string | null, version = 1): Promise<void> {
    const request = await nextRequest(http, `/api/runs/${parent.id}/children`);
    expect(request.request.urlWithParams).toContain(`limit=${SUBTASK_PAGE_SIZE}&cursor=${cursor}`);
    request.flush({
      items: rows.slice(start, start + SUBTASK_PAGE_SIZE).map((r) => ({ ...r, version })),
      nextCursor: next,
    });
  }

  it('keeps the first page in row order and reads the next ones one at a time', async () => {
    await expand();
    expect(ids(pages.childrenOf(parent.id))).toEqual(ids(rows.slice(0, 200)));
    expect(pages.list(parent.id).next).toBe('p200');

    const loading = pages.loadNext(parent.id);
    expect(pages.list(parent.id).loading).toBe(true);
    await pages.loadNext(parent.id); // a second call while a page is read asks for nothing
    await answerPage('p200', 200, 'p400');
    await loading;
    const third = pages.loadNext(parent.id);
    await answerPage('p400', 400, null);
    await third;

    expect(ids(pages.childrenOf(parent.id))).toEqual(ids(rows));
    expect(pages.list(parent.id)).toMatchObject({ next: null, loading: false });
    await pages.loadNext(parent.id);
  });

  it('lists a subtask that came by socket before its page, after the loaded ones', async () => {
    await expand();
    store.merge([rows[450]]);
    expect(pages.childrenOf(parent.id).at(-1)?.id).toBe(rows[450].id);
    expect(pages.childrenOf(parent.id)).toHaveLength(201);
  });

  it('after a reconnect, keeps the loaded rows and reads their pages again only as they come into view', async () => {
    await expand();
    const loading = pages.loadNext(parent.id);
    await answerPage('p200', 200, 'p400');
    await loading;

    // Reconnect: the scheduler is read again, with newer subtasks in its first page.
    const refreshing = pages.refreshExpanded();
    (await nextRequest(http, `/api/runs/${parent.id}`)).flush({
      ...parent,
      version: 2,
      children: rows.slice(0, 200).map((r) => ({ ...r, version: 2, status: 'completed' })),
      childrenCursor: 'p200',
    });
    await refreshing;
    expect(pages.childrenOf(parent.id)).toHaveLength(400);
    expect(store.get('row-0')?.status).toBe('completed');

    // Rows 0–20 in view: page 0 is fresh, nothing is read.
    await pages.refresh(parent.id, 0, 20);
    expect(http.match(() => true)).toEqual([]);
    // Rows 190–230 in view: page 1 is read again, once.
    const refresh = pages.refresh(parent.id, 190, 230);
    await answerPage('p200', 200, 'p400', 3);
    await refresh;
    expect(store.get('row-250')?.version).toBe(3);
    await pages.refresh(parent.id, 190, 230);
    expect(http.match(() => true)).toEqual([]);
  });

  it('forgets a deleted scheduler and stops refreshing a collapsed one', async () => {
    await expand();
    pages.collapse(parent.id);
    await pages.refreshExpanded();
    expect(http.match(() => true)).toEqual([]);
    pages.forget([parent.id]);
    expect(pages.list(parent.id).ids).toEqual([]);
  });
});
