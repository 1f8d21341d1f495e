import { Api } from './support/api';
import { type RunView, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { attachmentFileName, expectTimestampsInOrder } from './support/expectations';
import { useServer } from './support/server';
import { type RunsSocket, connectRuns, maxActiveAtOnce, maxOverlap } from './support/sockets';
import { readZip } from './support/zip';

/** One view per version, in version order (the client rule of API.md). */
function byVersion(views: RunView[]): RunView[] {
  const seen = new Map<number, RunView>();
  for (const view of views) if (!seen.has(view.version)) seen.set(view.version, view);
  return [...seen.values()].sort((a, b) => a.version - b.version);
}

describeEachDatabase('scheduler', (db) => {
  const server = useServer(db);
  let alice: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    socket = await connectRuns(server.url, alice.token as string);
  });
  afterAll(() => socket?.close());

  describe('over three customers, one of them unknown', () => {
    const rows = [
      { customer: 'Acme', year: 2024 },
      { customer: 'Nobody Ltd', year: 2024 },
      { customer: 'Globex', year: 2025 },
    ];
    let started: RunView;
    let finished: RunView;

    beforeAll(async () => {
      started = await alice.startRun({ task: 'sales-report', rows });
      await alice.waitFinished(started.id, 90_000);
      finished = await alice.getRun(started.id);
    }, 100_000);

    it('answers at once with the scheduler state', () => {
      expect(started.parentId).toBeNull();
      expect(started.scheduler).toMatchObject({ total: 3, completed: 0, failed: 0, cancelled: 0 });
      expect(['queued', 'running']).toContain(started.status);
    });

    it('does not stop at the failed row and ends failed with "1 of 3 subtasks failed"', () => {
      expect(finished.status).toBe('failed');
      expect(finished.error?.message).toMatch(/1 of 3 subtasks failed/);
      expect(finished.scheduler).toEqual({ total: 3, completed: 2, failed: 1, cancelled: 0, current: null });
      expect(finished.progress.percent).toBe(100);
      expectTimestampsInOrder(finished);
      const children = finished.children ?? [];
      expect(children.map((c) => c.status)).toEqual(['completed', 'failed', 'completed']);
      expect(children[1]?.error?.message).toContain('Nobody Ltd');
    });

    it('ran its subtasks strictly one at a time, in the order of rows', () => {
      const children = finished.children ?? [];
      expect(children.map((c) => c.display)).toEqual(rows);
      children.forEach((c) => expectTimestampsInOrder(c));
      expect(maxOverlap(children)).toBe(1);
      for (let i = 1; i < children.length; i++) {
        const previous = children[i - 1] as RunView;
        const next = children[i] as RunView;
        expect(Date.parse(next.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(previous.finishedAt as string));
      }
      // As seen live by the owner's socket: never two children running at once.
      const childUpdates = socket.updates((r) => r.parentId === started.id);
      expect(new Set(childUpdates.map((r) => r.id))).toEqual(new Set(children.map((c) => c.id)));
      expect(maxActiveAtOnce(childUpdates)).toBe(1);
    });

    it('reported a percent that only grew, and named the current subtask', () => {
      const views = byVersion(socket.updates((r) => r.id === started.id));
      expect(views.length).toBeGreaterThan(2);
      const percents = views.map((v) => v.progress.percent).filter((p): p is number => p !== null);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
      expect(percents[percents.length - 1]).toBe(100);

      const withCurrent = views.filter((v) => v.scheduler?.current);
      expect(withCurrent.length).toBeGreaterThan(0);
      const childIds = (finished.children ?? []).map((c) => c.id);
      for (const view of withCurrent) {
        const current = view.scheduler?.current;
        if (!current) continue;
        expect(childIds).toContain(current.id);
        const names = [current.title, ...Object.values(current.display).map(String)];
        expect(typeof view.progress.message).toBe('string');
        expect(names.some((name) => (view.progress.message as string).includes(name))).toBe(true);
      }
    });

    it('results in a zip of the PDFs with errors.txt naming the failed row', async () => {
      expect(finished.result).toMatchObject({
        type: 'file',
        contentType: 'application/zip',
        fileName: expect.stringMatching(/\.zip$/),
      });
      const res = await alice.resultBytes(finished.id);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/zip/);
      expect(attachmentFileName(res)).toMatch(/\.zip$/);
      const entries = readZip(res.body);
      const pdfs = entries.filter((e) => e.name.endsWith('.pdf'));
      expect(pdfs).toHaveLength(2);
      for (const pdf of pdfs) expect(pdf.data.subarray(0, 4).toString('latin1')).toBe('%PDF');
      expect(new Set(pdfs.map((p) => p.name)).size).toBe(2);
      const errors = entries.find((e) => e.name === 'errors.txt' || e.name.endsWith('/errors.txt'));
      expect(errors).toBeDefined();
      expect(errors?.data.toString('utf8')).toContain('Nobody Ltd');
    });
  });

  it('completes with a value listing the subtasks’ values when no subtask made a file', async () => {
    const run = await alice.runToEnd({
      task: 'recalculate-prices',
      rows: [
        { category: 'Hardware', seconds: 0.5 },
        { category: 'Services', seconds: 0.5 },
      ],
    });
    expect(run.status).toBe('completed');
    expect(run.error).toBeNull();
    expect(run.scheduler).toEqual({ total: 2, completed: 2, failed: 0, cancelled: 0, current: null });
    expect(run.result?.type).toBe('value');
    const value = run.result?.type === 'value' ? run.result.value : undefined;
    expect(Array.isArray(value)).toBe(true);
    expect(value).toHaveLength(2);
    expect(JSON.stringify(value)).toMatch(/updated[\s\S]*updated/);
    const res = await alice.get(`/api/runs/${run.id}/result`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(value);
  }, 30_000);

  it('finishes rows whose display values are long (up to the 1000 characters a parameter may have)', async () => {
    // The scheduler's progress message names the row; over 500 characters PostgreSQL refused it
    // and the run stayed `running` for ever.
    const customer = `Nobody ${'x'.repeat(990)}`;
    const run = await alice.runToEnd({ task: 'sales-report', rows: [{ customer, year: 2024 }] }, 20_000);
    expect(run.status).toBe('failed');
    expect(run.scheduler).toMatchObject({ total: 1, completed: 0, failed: 1 });
    const messages = socket.updates((r) => r.id === run.id).map((r) => r.progress.message ?? '');
    expect(messages.some((m) => m.startsWith('1 of 1 · Nobody'))).toBe(true);
    expect(Math.max(...messages.map((m) => m.length))).toBeLessThanOrEqual(500);
  }, 30_000);

  it('cancelling it stops the current subtask and cancels the rest', async () => {
    const rows = [
      { category: 'Hardware', seconds: 30 },
      { category: 'Software', seconds: 30 },
      { category: 'Services', seconds: 30 },
    ];
    const scheduler = await alice.startRun({ task: 'recalculate-prices', rows });
    await alice.pollRun(scheduler.id, (r) => r.children?.[0]?.status === 'running', 20_000, 'first subtask running');
    const res = await alice.post(`/api/runs/${scheduler.id}/cancel`);
    expect(res.status).toBe(202);
    expect(['cancelling', 'cancelled']).toContain(expectRunView(res.body).status);
    const done = await alice.waitFinished(scheduler.id, 20_000);
    expect(done.status).toBe('cancelled');
    const full = await alice.getRun(scheduler.id);
    expect(full.children?.map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(full.children?.[1]?.startedAt).toBeNull();
    expect(full.children?.[2]?.startedAt).toBeNull();
    expect(full.scheduler).toMatchObject({ total: 3, completed: 0, failed: 0, cancelled: 3, current: null });
  }, 60_000);
});
