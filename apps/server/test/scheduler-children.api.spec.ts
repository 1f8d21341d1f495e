import { randomUUID } from 'node:crypto';

import { Api } from './support/api';
import { type RunPage, type RunView, expectError, expectFieldError, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { expectRejectedWithoutChange } from './support/expectations';
import { useServer } from './support/server';

/** A selection of `n` rows for unknown customers `Row 0`, `Row 1`…: each subtask fails at once. */
const selection = (n: number, from = 0) => ({
  task: 'sales-report',
  rows: Array.from({ length: n }, (_, i) => ({ customer: `Row ${from + i}`, year: 2024 })),
});

const customersOf = (runs: RunView[]): unknown[] => runs.map((run) => run.display['customer']);
const rowNames = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `Row ${from + i}`);

describeEachDatabase('scheduler children', (db) => {
  const server = useServer(db);
  let alice: Api;
  let bob: Api;
  let admin: Api;
  let big: RunView;

  /** Starts a selection and cancels it at once: its subtasks stay, the server stays quiet. */
  async function stopped(body: ReturnType<typeof selection>): Promise<RunView> {
    const run = await alice.startRun(body);
    const cancel = await alice.post(`/api/runs/${run.id}/cancel`);
    expect([202, 409]).toContain(cancel.status);
    return alice.waitFinished(run.id, 30_000);
  }

  async function page(path: string, as: Api = alice): Promise<RunPage> {
    const res = await as.get(path);
    expect(res.status).toBe(200);
    const body = res.body as RunPage;
    body.items.forEach((item) => expectRunView(item));
    return body;
  }

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
    admin = await Api.as(server.url, 'admin');
    big = await stopped(selection(250));
  }, 60_000);

  it('GET /api/runs/:id shows the first 200 subtasks in row order and a cursor to the rest', async () => {
    const run = await alice.getRun(big.id);
    expect(run.scheduler?.total).toBe(250);
    expect(customersOf(run.children ?? [])).toEqual(rowNames(0, 200));
    expect(typeof run.childrenCursor).toBe('string');
    const rest = await page(`/api/runs/${big.id}/children?cursor=${encodeURIComponent(run.childrenCursor ?? '')}`);
    expect(customersOf(rest.items)).toEqual(rowNames(200, 250));
    expect(rest.nextCursor).toBeNull();
    for (const child of [...(run.children ?? []), ...rest.items]) expect(child.parentId).toBe(big.id);
  });

  it('shows every subtask and no cursor for a scheduler of up to 200 rows', async () => {
    const small = await stopped(selection(3, 1000));
    const run = await alice.getRun(small.id);
    expect(customersOf(run.children ?? [])).toEqual(rowNames(1000, 1003));
    expect(run.childrenCursor).toBeUndefined();
    expect(await page(`/api/runs/${small.id}/children`)).toMatchObject({ nextCursor: null });
  });

  it('pages through every subtask in row order, 200 by default, 1 to 500 as asked', async () => {
    const first = await page(`/api/runs/${big.id}/children`);
    expect(customersOf(first.items)).toEqual(rowNames(0, 200));
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await page(`/api/runs/${big.id}/children?limit=500`);
    expect(customersOf(all.items)).toEqual(rowNames(0, 250));
    expect(all.nextCursor).toBeNull();

    const walked: RunView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next: RunPage = await page(
        `/api/runs/${big.id}/children?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(next.items.length).toBeLessThanOrEqual(7);
      walked.push(...next.items);
      cursor = next.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(36);
    expect(customersOf(walked)).toEqual(rowNames(0, 250));
    expect(new Set(walked.map((c) => c.id)).size).toBe(250);
  });

  it.each([['limit=0'], ['limit=501'], ['limit=-1'], ['limit=abc'], ['limit=1.5'], ['cursor=not-a-cursor']])(
    '400 for %s',
    async (query) => {
      expectFieldError(await alice.get(`/api/runs/${big.id}/children?${query}`), query.split('=')[0] as string);
    },
  );

  it('400 for a cursor that was not issued for this run: forged, of the run list, of another scheduler', async () => {
    const forged = Buffer.from(JSON.stringify(['child', big.id, 10])).toString('base64url');
    const list = (await alice.list('?limit=1')).nextCursor;
    const other = await stopped(selection(201, 2000));
    const otherCursor = (await alice.getRun(other.id)).childrenCursor;
    expect(list).toEqual(expect.any(String));
    expect(otherCursor).toEqual(expect.any(String));
    for (const cursor of [forged, `${forged}.AAAAAAAAAAAAAAAAAAAAAA`, list, otherCursor]) {
      expectFieldError(
        await alice.get(`/api/runs/${big.id}/children?cursor=${encodeURIComponent(cursor ?? '')}`),
        'cursor',
      );
    }
  }, 30_000);

  it("404 for another user's run, as if it did not exist; admins read every run", async () => {
    expectError(await bob.get(`/api/runs/${big.id}/children`), 404);
    expectError(await bob.get(`/api/runs/${randomUUID()}/children`), 404);
    expectError(await alice.get('/api/runs/not-an-id/children'), 404);
    const seen = await page(`/api/runs/${big.id}/children?limit=2`, admin);
    expect(customersOf(seen.items)).toEqual(rowNames(0, 2));
    expect((await admin.getRun(big.id)).childrenCursor).toEqual(expect.any(String));
  });

  it('an empty page for a run that is not a scheduler (a single run, a subtask)', async () => {
    const single = await alice.startRun({ task: 'sales-report', parameters: { customer: 'Nobody', year: 2024 } });
    expect(await page(`/api/runs/${single.id}/children`)).toEqual({ items: [], nextCursor: null });
    const child = (await alice.getRun(big.id)).children?.[0] as RunView;
    expect(await page(`/api/runs/${child.id}/children`)).toEqual({ items: [], nextCursor: null });
    await alice.waitFinished(single.id);
  });
});

describe('ONWARD_MAX_ROWS', () => {
  const server = useServer('sqlite', { ONWARD_MAX_ROWS: '3' });

  it('takes a selection up to the limit and refuses a larger one with 400 naming it, storing nothing', async () => {
    const alice = await Api.as(server.url, 'alice');
    const res = await expectRejectedWithoutChange(alice, async () => alice.post('/api/runs', selection(4)), 400);
    const body = expectFieldError(res, 'rows');
    expect(body.message).toContain('ONWARD_MAX_ROWS');
    expect(body.message).toContain('3');
    const run = await alice.startRun(selection(3));
    expect(run.scheduler?.total).toBe(3);
    await alice.waitFinished(run.id, 30_000);
  });
});
