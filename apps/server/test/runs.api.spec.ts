import { randomUUID } from 'node:crypto';

import { Api, type StartRunBody, recalc, salesReport } from './support/api';
import { type RunPage, type RunView, expectError, expectFieldError, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import {
  attachmentFileName,
  expectLocation,
  expectRejectedWithoutChange,
  expectTimestampsInOrder,
} from './support/expectations';
import { useServer } from './support/server';

describeEachDatabase('runs', (db) => {
  const server = useServer(db);
  let alice: Api;
  let bob: Api;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
  });

  describe('POST /api/runs', () => {
    it('answers 202 at once with a Location header and the RunView', async () => {
      const res = await alice.post('/api/runs', salesReport('Acme', 2024));
      expect(res.status).toBe(202);
      const run = expectRunView(res.body);
      expectLocation(res, run.id);
      expect(run).toMatchObject({
        task: 'sales-report',
        kind: 'report',
        owner: { id: alice.userId, username: 'alice' },
        mode: 'background',
        display: { customer: 'Acme', year: 2024 },
        result: null,
        error: null,
        parentId: null,
        scheduler: null,
        finishedAt: null,
      });
      // It never waits for the work (a sales report takes seconds).
      expect(['queued', 'running']).toContain(run.status);
      expect(Math.abs(Date.parse(run.createdAt) - Date.now())).toBeLessThan(60_000);

      const fetched = await alice.get(res.headers['location'] as string);
      expect(fetched.status).toBe(200);
      expect(expectRunView(fetched.body).id).toBe(run.id);
      await alice.waitFinished(run.id);
    });

    it('runs a sales report to a PDF result', async () => {
      const started = await alice.startRun(salesReport('Globex', 2025));
      const run = await alice.waitFinished(started.id);
      expect(run.status).toBe('completed');
      expect(run.error).toBeNull();
      expect(run.version).toBeGreaterThan(started.version);
      expectTimestampsInOrder(run);
      expect(run.result).toEqual({
        type: 'file',
        fileName: expect.stringMatching(/\.pdf$/),
        contentType: 'application/pdf',
        size: expect.any(Number),
      });

      const res = await alice.resultBytes(run.id);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/pdf/);
      expect(attachmentFileName(res)).toBe(run.result?.type === 'file' ? run.result.fileName : '');
      expect(res.body.subarray(0, 4).toString('latin1')).toBe('%PDF');
      expect(res.body.length).toBe(run.result?.type === 'file' ? run.result.size : -1);
    });

    it('runs recalculate-prices to a value result { updated: n }', async () => {
      const run = await alice.runToEnd(recalc(0.5));
      expect(run.status).toBe('completed');
      expect(run.result).toEqual({
        type: 'value',
        value: { updated: expect.any(Number) },
        summary: expect.stringMatching(/^\d+ prices? updated$/),
      });
      const res = await alice.get(`/api/runs/${run.id}/result`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(run.result?.type === 'value' ? run.result.value : undefined);
      expect(Number.isInteger((res.body as { updated: number }).updated)).toBe(true);
    });

    it('defaults the mode from awaitResult and honours an explicit background', async () => {
      const optional = await alice.startRun(recalc(0.5));
      expect(optional.mode).toBe('foreground');
      const yes = await alice.startRun({ task: 'print-preview', parameters: { customer: 'Acme' } });
      expect(yes.mode).toBe('foreground');
      const moved = await alice.startRun({ ...recalc(0.5), mode: 'background' });
      expect(moved.mode).toBe('background');
      for (const run of [optional, yes, moved]) expect((await alice.waitFinished(run.id)).status).toBe('completed');
      // A foreground run is the caller's like any other: listed with the background ones unless a mode is asked.
      const listed = (await alice.list('?limit=200')).items.map((run) => run.id);
      for (const run of [optional, yes, moved]) expect(listed).toContain(run.id);
    });

    it('fails a sales report for an unknown customer with a message naming it', async () => {
      const run = await alice.runToEnd(salesReport('Nobody Inc', 2024));
      expect(run.status).toBe('failed');
      expect(run.error?.message).toContain('Nobody Inc');
      expect(run.result).toBeNull();
      expectError(await alice.get(`/api/runs/${run.id}/result`), 409);
    });
  });

  describe('POST /api/runs rejects bad requests and changes nothing', () => {
    const reject = (body: unknown, status = 400) =>
      expectRejectedWithoutChange(alice, async () => alice.post('/api/runs', body as object), status);

    it('404 for an unknown task', async () => {
      await reject({ task: 'no-such-task', parameters: {} }, 404);
    });

    it('400 for a missing or wrongly typed task', async () => {
      await reject({ parameters: { customer: 'Acme', year: 2024 } });
      await reject({ task: 42, parameters: { customer: 'Acme', year: 2024 } });
    });

    it('400 with details for missing required parameters', async () => {
      expectFieldError(await reject({ task: 'sales-report', parameters: { customer: 'Acme' } }), 'parameters.year');
      expectFieldError(await reject({ task: 'sales-report', parameters: { year: 2024 } }), 'parameters.customer');
      expectFieldError(await reject({ task: 'recalculate-prices', parameters: { seconds: 1 } }), 'parameters.category');
    });

    it('400 with details for wrongly typed parameters', async () => {
      expectFieldError(
        await reject({ task: 'sales-report', parameters: { customer: 'Acme', year: '2024' } }),
        'parameters.year',
      );
      expectFieldError(
        await reject({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024.5 } }),
        'parameters.year',
      );
      expectFieldError(
        await reject({ task: 'sales-report', parameters: { customer: 42, year: 2024 } }),
        'parameters.customer',
      );
      expectFieldError(
        await reject({ task: 'sales-report', parameters: { customer: null, year: 2024 } }),
        'parameters.customer',
      );
      expectFieldError(
        await reject({ task: 'recalculate-prices', parameters: { category: 'Hardware', seconds: 'ten' } }),
        'parameters.seconds',
      );
    });

    it('400 with details for parameters out of range', async () => {
      expectFieldError(await reject(recalc(0.1)), 'parameters.seconds');
      expectFieldError(await reject(recalc(3601)), 'parameters.seconds');
    });

    it('400 for a parameter the task does not declare', async () => {
      expectFieldError(
        await reject({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024, colour: 'red' } }),
        'parameters.colour',
      );
    });

    it('400 for parameters that are not one object', async () => {
      await reject({ task: 'sales-report', parameters: [{ customer: 'Acme', year: 2024 }] });
      await reject({ task: 'sales-report', parameters: 'customer=Acme' });
    });

    it('400 unless exactly one of parameters or rows is given', async () => {
      await reject({ task: 'sales-report' });
      await reject({
        task: 'sales-report',
        parameters: { customer: 'Acme', year: 2024 },
        rows: [{ customer: 'Acme', year: 2024 }],
      });
    });

    it('400 for 0 or 10,001 rows (ONWARD_MAX_ROWS), or an invalid row', async () => {
      await reject({ task: 'sales-report', rows: [] });
      const many = Array.from({ length: 10_001 }, () => ({ customer: 'Acme', year: 2024 }));
      await reject({ task: 'sales-report', rows: many });
      const body = await reject({
        task: 'sales-report',
        rows: [
          { customer: 'Acme', year: 2024 },
          { customer: 'Acme', year: 'x' },
        ],
      });
      expectFieldError(body, /^rows(\.|\[)1\]?\.year$/);
    });

    it('400 for background mode on a foreground-only task, or an unknown mode', async () => {
      await reject({ task: 'print-preview', parameters: { customer: 'Acme' }, mode: 'background' });
      await reject({ task: 'print-preview', rows: [{ customer: 'Acme' }], mode: 'background' });
      await reject({ ...recalc(0.5), mode: 'sideways' });
    });

    it('400 for an unknown field in the body', async () => {
      await reject({ ...recalc(0.5), priority: 'high' });
    });
  });

  it('accepts 10,000 rows (ONWARD_MAX_ROWS by default, a 0.4 MB body), and not one more', async () => {
    const rows = Array.from({ length: 10_000 }, () => ({ category: 'Software', seconds: 0.5 }));
    const run = await bob.startRun({ task: 'recalculate-prices', rows });
    expect(run.scheduler?.total).toBe(10_000);
    const stored = await bob.getRun(run.id);
    expect(stored.children).toHaveLength(200);
    expect(typeof stored.childrenCursor).toBe('string');
    expect((await bob.delete(`/api/runs/${run.id}`)).status).toBe(204);
    const over = await expectRejectedWithoutChange(
      bob,
      async () => bob.post('/api/runs', { task: 'recalculate-prices', rows: [...rows, rows[0]] }),
      400,
    );
    expect(expectFieldError(over, 'rows').message).toMatch(/10000.*ONWARD_MAX_ROWS/);
  }, 60_000);

  describe('GET /api/runs', () => {
    const created: RunView[] = [];

    beforeAll(async () => {
      // 53 quick runs (unknown customers fail at once) so that the default page of 50 is full.
      for (let i = 0; i < 53; i++) created.push(await bob.startRun(salesReport(`Paging ${i}`, 2024)));
      await Promise.all(created.map((run) => bob.waitFinished(run.id)));
    }, 120_000);

    it('pages 50 by default, newest first, with a cursor to the rest', async () => {
      const page = await bob.list();
      expect(page.items).toHaveLength(50);
      page.items.forEach((item) => expectRunView(item));
      expect(typeof page.nextCursor).toBe('string');
      const times = page.items.map((r) => Date.parse(r.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('walks every run exactly once with nextCursor, newest first', async () => {
      const walked: RunView[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await bob.get(`/api/runs?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        const page = res.body as RunPage;
        expect(page.items.length).toBeLessThanOrEqual(7);
        walked.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(cursor).toBeNull();
      const ids = walked.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(await bob.allRunIds());
      for (const run of created) expect(ids).toContain(run.id);
      const times = walked.map((r) => Date.parse(r.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // Of two runs created one after the other at different instants, the later one comes first.
      for (let i = 1; i < created.length; i++) {
        const earlier = created[i - 1] as RunView;
        const later = created[i] as RunView;
        if (earlier.createdAt !== later.createdAt) expect(ids.indexOf(later.id)).toBeLessThan(ids.indexOf(earlier.id));
      }
    });

    it('shows only the caller’s runs', async () => {
      const ids = await alice.allRunIds();
      for (const run of created) expect(ids).not.toContain(run.id);
      const page = await alice.list('?limit=200');
      for (const item of page.items) expect(item.owner.username).toBe('alice');
    });

    it('filters by status and by mode', async () => {
      const failed = await bob.list('?status=failed&limit=200');
      expect(failed.items.length).toBeGreaterThanOrEqual(53);
      for (const item of failed.items) expect(item.status).toBe('failed');
      const finished = await bob.list('?status=completed,failed&limit=200');
      for (const item of finished.items) expect(['completed', 'failed']).toContain(item.status);
      expect(finished.items.length).toBeGreaterThanOrEqual(failed.items.length);
      const none = await bob.list('?status=running');
      for (const item of none.items) expect(item.status).toBe('running');

      const background = await bob.list('?mode=background&limit=200');
      expect(background.items.length).toBeGreaterThanOrEqual(53);
      for (const item of background.items) expect(item.mode).toBe('background');
      const foreground = await bob.list('?mode=foreground&limit=200');
      for (const item of foreground.items) expect(item.mode).toBe('foreground');
      for (const run of created) expect(foreground.items.map((r) => r.id)).not.toContain(run.id);
    });

    it('accepts limits 1 and 200', async () => {
      const one = await bob.list('?limit=1');
      expect(one.items).toHaveLength(1);
      expect(one.nextCursor).not.toBeNull();
      const most = await bob.list('?limit=200');
      expect(most.items.length).toBeGreaterThanOrEqual(53);
      expect(most.items.length).toBeLessThanOrEqual(200);
    });

    it.each([
      ['limit=0'],
      ['limit=201'],
      ['limit=-1'],
      ['limit=abc'],
      ['limit=1.5'],
      ['status=bogus'],
      ['status=queued,bogus'],
      ['mode=bogus'],
      ['cursor=not-a-cursor'],
      [`cursor=${Buffer.from(JSON.stringify(['2024-01-01T00:00:00.000Z', randomUUID()])).toString('base64url')}`],
    ])('400 for %s', async (query) => {
      expectError(await bob.get(`/api/runs?${query}`), 400);
    });

    it('shows a scheduler at the top level and its subtasks only inside it', async () => {
      const scheduler = await alice.startRun({
        task: 'recalculate-prices',
        rows: [
          { category: 'Hardware', seconds: 0.5 },
          { category: 'Software', seconds: 0.5 },
        ],
      });
      await alice.waitFinished(scheduler.id);
      const full = await alice.getRun(scheduler.id);
      expect(full.children).toHaveLength(2);
      const ids = await alice.allRunIds();
      expect(ids).toContain(scheduler.id);
      for (const child of full.children ?? []) expect(ids).not.toContain(child.id);
      const page = await alice.list('?limit=200');
      for (const item of page.items) expect(item.parentId).toBeNull();
    });
  });

  describe('GET /api/runs/:id', () => {
    it('shows a scheduler’s children in the order of rows', async () => {
      const rows = [
        { customer: 'Globex', year: 2025 },
        { customer: 'Acme', year: 2024 },
        { customer: 'Initech', year: 2025 },
      ];
      const scheduler = await alice.startRun({ task: 'sales-report', rows });
      expect(scheduler.parentId).toBeNull();
      expect(scheduler.scheduler).toMatchObject({ total: 3, completed: 0, failed: 0, cancelled: 0 });
      const read = async (): Promise<void> => {
        const full = await alice.getRun(scheduler.id);
        expect(full.children?.map((c) => c.display)).toEqual(rows);
        for (const child of full.children ?? []) {
          expect(child.parentId).toBe(scheduler.id);
          expect(child.task).toBe('sales-report');
          expect(child.owner.username).toBe('alice');
        }
      };
      await read();
      await alice.waitFinished(scheduler.id);
      await read();
    }, 60_000);

    it('404 for an id that does not exist', async () => {
      expectError(await alice.get(`/api/runs/${randomUUID()}`), 404);
    });
  });

  describe('another user’s run is invisible', () => {
    it('answers 404 on every route and leaves the run alone', async () => {
      const run = await alice.startRun(recalc(2));
      const base = `/api/runs/${run.id}`;
      const attempts: [string, () => ReturnType<Api['get']>][] = [
        ['GET', () => bob.get(base)],
        ['cancel', () => bob.post(`${base}/cancel`)],
        ['PATCH', () => bob.patch(base, { mode: 'background' })],
        ['DELETE', () => bob.delete(base)],
        ['result', () => bob.get(`${base}/result`)],
        ['wait', () => bob.get(`${base}/wait?timeout=1`)],
      ];
      for (const [name, attempt] of attempts) {
        const res = await attempt();
        try {
          expectError(res, 404);
        } catch (error) {
          throw new Error(`bob ${name} on alice's run: ${(error as Error).message}`);
        }
      }
      expect(await bob.allRunIds()).not.toContain(run.id);

      const finished = await alice.waitFinished(run.id);
      expect(finished.status).toBe('completed');
      expect(finished.mode).toBe('foreground');
      // Also once it has a result.
      expectError(await bob.get(`${base}/result`), 404);
    });

    it('an admin may read it', async () => {
      const run = await alice.runToEnd(recalc(0.5));
      const admin = await Api.as(server.url, 'admin');
      const res = await admin.get(`/api/runs/${run.id}`);
      expect(res.status).toBe(200);
      expect(expectRunView(res.body)).toMatchObject({ id: run.id, owner: { username: 'alice' } });
      const result = await admin.get(`/api/runs/${run.id}/result`);
      expect(result.status).toBe(200);
    });
  });

  describe('GET /api/runs/:id/wait', () => {
    it('answers as soon as the run has finished', async () => {
      const run = await alice.startRun(recalc(1));
      const res = await alice.get(`/api/runs/${run.id}/wait?timeout=30`);
      expect(res.status).toBe(200);
      expect(expectRunView(res.body)).toMatchObject({ id: run.id, status: 'completed' });
    });

    it('answers with the current status when the timeout passes', async () => {
      const run = await alice.startRun(recalc(30));
      const res = await alice.get(`/api/runs/${run.id}/wait?timeout=1`);
      expect(res.status).toBe(200);
      const view = expectRunView(res.body);
      expect(['queued', 'running']).toContain(view.status);
      expect((await alice.post(`/api/runs/${run.id}/cancel`)).status).toBe(202);
      expect((await alice.waitFinished(run.id)).status).toBe('cancelled');
    });

    it.each([['61'], ['-1'], ['abc']])('400 for timeout=%s', async (timeout) => {
      const run = await alice.startRun(recalc(0.5));
      expectError(await alice.get(`/api/runs/${run.id}/wait?timeout=${timeout}`), 400);
      await alice.waitFinished(run.id);
    });
  });

  it('starts several runs of both kinds without mixing their results', async () => {
    const bodies: StartRunBody[] = [recalc(0.5), salesReport('Umbrella', 2025), salesReport('Stark', 2024)];
    const runs = await Promise.all(bodies.map((body) => alice.startRun(body)));
    const finished = await Promise.all(runs.map((run) => alice.waitFinished(run.id)));
    expect(finished.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(finished.map((r) => r.result?.type)).toEqual(['value', 'file', 'file']);
    expect(finished.map((r) => r.display)).toEqual([
      expect.any(Object),
      { customer: 'Umbrella', year: 2025 },
      { customer: 'Stark', year: 2024 },
    ]);
  }, 60_000);
});
