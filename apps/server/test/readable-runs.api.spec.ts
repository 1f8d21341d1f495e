/**
 * What a person reads off a run: who cancelled it (`cancelledBy`), the task's own sentence about its
 * value (`result.summary`), and a PDF result served inline for a preview in the browser.
 */
import { Api, binaryParser, recalc, salesReport } from './support/api';
import { type RunView, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';

describeEachDatabase('who cancelled, summaries and inline results', (db) => {
  const server = useServer(db);
  let alice: Api;
  let admin: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    [alice, admin] = await Promise.all([Api.as(server.url, 'alice'), Api.as(server.url, 'admin')]);
    socket = await connectRuns(server.url, alice.token as string);
  });
  afterAll(() => socket?.close());

  async function running(): Promise<RunView> {
    const run = await alice.startRun(recalc(30));
    return alice.pollRun(run.id, (r) => r.status === 'running', 20_000, 'running');
  }

  describe('cancelledBy', () => {
    it('names an administrator who cancels another user’s run, on the answer, the socket and the stored run', async () => {
      const run = await running();
      const pushed = socket.waitFor<RunView>('run.updated', (v) => v.id === run.id && v.status === 'cancelled');
      const res = await admin.post(`/api/runs/${run.id}/cancel`);
      expect(res.status).toBe(202);
      const expected = { id: admin.userId, username: 'admin', admin: true };
      expect(expectRunView(res.body).cancelledBy).toEqual(expected);
      expect((await pushed).cancelledBy).toEqual(expected);
      const finished = await alice.waitFinished(run.id, 20_000);
      expect(finished).toMatchObject({ status: 'cancelled', cancelledBy: expected });
    }, 60_000);

    it('names the owner who cancels their own run, not as an administrator', async () => {
      const run = await running();
      await alice.post(`/api/runs/${run.id}/cancel`).expect(202);
      const finished = await alice.waitFinished(run.id, 20_000);
      expect(finished.cancelledBy).toEqual({ id: alice.userId, username: 'alice', admin: false });
    }, 60_000);

    it('is null on a run nobody cancelled', async () => {
      const done = await alice.runToEnd(recalc(0.5));
      expect(done).toMatchObject({ status: 'completed', cancelledBy: null });
    }, 60_000);

    it('goes to every subtask cancelled with a scheduler, the running one and the queued ones', async () => {
      const parent = await alice.startRun({
        task: 'recalculate-prices',
        rows: [0, 1, 2].map(() => recalc(30).parameters ?? {}),
      });
      await alice.pollRun(
        parent.id,
        (r) => r.scheduler?.current !== null && r.scheduler?.current !== undefined,
        20_000,
        'a current subtask',
      );
      await admin.post(`/api/runs/${parent.id}/cancel`).expect(202);
      await alice.waitFinished(parent.id, 20_000);
      const view = await alice.getRun(parent.id);
      const expected = { id: admin.userId, username: 'admin', admin: true };
      expect(view).toMatchObject({ status: 'cancelled', cancelledBy: expected });
      expect(view.children?.map((c) => [c.status, c.cancelledBy])).toEqual(
        [0, 1, 2].map(() => ['cancelled', expected]),
      );
    }, 60_000);
  });

  it('names a scheduler’s first rows, for a title that says which rows it covers; a single run has none', async () => {
    const customers = ['Acme', 'Globex', 'Initech', 'Umbrella'];
    const parent = await alice.startRun({
      task: 'sales-report',
      rows: customers.map((customer) => salesReport(customer, 2025).parameters ?? {}),
    });
    const expected = customers.slice(0, 3).map((customer) => ({ customer, year: 2025 }));
    expect(parent).toMatchObject({ display: { year: 2025 }, firstRows: expected });
    expect((await alice.getRun(parent.id)).firstRows).toEqual(expected);
    const listed = (await alice.list()).items.find((r) => r.id === parent.id);
    expect(listed?.firstRows).toEqual(expected);
    await alice.post(`/api/runs/${parent.id}/cancel`).expect(202);
    const single = await alice.startRun(salesReport('Acme'));
    expect('firstRows' in single).toBe(false);
    await alice.waitFinished(single.id);
    await alice.waitFinished(parent.id);
  }, 60_000);

  it('gives recalculate-prices’ value a summary sentence beside the value', async () => {
    const done = await alice.runToEnd(recalc(0.5));
    expect(done.result).toEqual({
      type: 'value',
      value: { updated: expect.any(Number) },
      summary: expect.stringMatching(/^\d+ prices? updated$/),
    });
    const { updated } = (done.result as { value: { updated: number } }).value;
    expect((done.result as { summary: string }).summary).toBe(
      `${updated} ${updated === 1 ? 'price' : 'prices'} updated`,
    );
  }, 60_000);

  describe('GET /api/runs/:id/result?disposition=inline', () => {
    let pdfRun: RunView;
    beforeAll(async () => {
      pdfRun = await alice.runToEnd(salesReport('Acme', 2024));
      expect(pdfRun.status).toBe('completed');
    }, 60_000);

    it('serves a PDF inline, with a policy under which the browser’s viewer may show it in a frame of this origin', async () => {
      const res = await alice.get(`/api/runs/${pdfRun.id}/result?disposition=inline`).buffer(true).parse(binaryParser);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/pdf/);
      expect(res.headers['content-disposition']).toMatch(/^inline; *filename="[^"]+\.pdf"$/);
      expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toMatch(/object-src 'self'/);
      expect(csp).toMatch(/frame-ancestors 'self'/);
      expect(csp).not.toMatch(/sandbox/);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }, 30_000);

    it('stays an attachment unless asked, and for any type that is not a PDF or an image', async () => {
      const plain = await alice.get(`/api/runs/${pdfRun.id}/result`).buffer(true).parse(binaryParser);
      expect(plain.headers['content-disposition']).toMatch(/^attachment; *filename=/);
      const zipRun = await alice.runToEnd({
        task: 'sales-report',
        rows: [salesReport('Acme').parameters ?? {}, salesReport('Globex').parameters ?? {}],
      });
      expect(zipRun.result).toMatchObject({ contentType: 'application/zip' });
      const zip = await alice.get(`/api/runs/${zipRun.id}/result?disposition=inline`).buffer(true).parse(binaryParser);
      expect(zip.status).toBe(200);
      expect(zip.headers['content-disposition']).toMatch(/^attachment; *filename=/);
    }, 60_000);

    it('rejects an unknown disposition with 400, and still ignores other query parameters', async () => {
      const res = await alice.get(`/api/runs/${pdfRun.id}/result?disposition=download`);
      expect(res.status).toBe(400);
      const busted = await alice.get(`/api/runs/${pdfRun.id}/result?t=123`).buffer(true).parse(binaryParser);
      expect(busted.status).toBe(200);
    });
  });
});
