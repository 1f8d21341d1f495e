import { parse } from 'csv-parse/sync';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Api } from './support/api';
import { type TaskDefinition, expectError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { insertUpload, orderCount } from './support/upload-fixture';

const HEADER = 'reference,date,customer,product,quantity,unit_price';

/** `count` valid order lines with fresh references. */
function lines(count: number, prefix: string): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `${prefix}-${String(i + 1).padStart(6, '0')},2025-05-0${(i % 9) + 1},Globex,Training Day,${(i % 5) + 1},1200.00`,
  ).join('\n');
}

describeEachDatabase('import-orders and export-orders', (db) => {
  // Enough orders that an export lasts long enough to be cancelled half-way.
  const server = useServer(db, { ONWARD_DEMO_ORDERS: '60000' });
  let alice: Api;
  let bob: Api;
  const owner = () => ({ id: alice.userId, username: 'alice' });

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
  });

  it('lists both tasks in the catalogue as documented', async () => {
    const tasks = (await alice.get('/api/tasks')).body as TaskDefinition[];
    expect(tasks.find((t) => t.id === 'import-orders')).toMatchObject({
      kind: 'task',
      awaitResult: 'optional',
      background: true,
      displayParameters: ['file'],
      parameters: [{ name: 'file', type: 'file', required: true }],
    });
    const exportOrders = tasks.find((t) => t.id === 'export-orders');
    expect(exportOrders).toMatchObject({ kind: 'report', awaitResult: 'no', background: true });
    expect(exportOrders?.parameters).toEqual([
      expect.objectContaining({ name: 'year', type: 'integer', required: false }),
      expect.objectContaining({ name: 'customer', type: 'string', required: false }),
      {
        name: 'format',
        label: 'Format',
        type: 'string',
        required: false,
        default: 'csv',
        options: [
          { value: 'csv', label: 'CSV' },
          { value: 'xlsx', label: 'Excel' },
        ],
      },
    ]);
  });

  it('imports an uploaded file: shown by its name, the rejected rows in import-report.csv', async () => {
    const before = await orderCount(server);
    const file = await insertUpload(
      server,
      owner(),
      'May orders.csv',
      `${HEADER}\n${lines(3, 'API-A')}\nAPI-A9,2025-05-01,Nobody,Training Day,1,1.00\n`,
    );
    const started = await alice.startRun({ task: 'import-orders', parameters: { file }, mode: 'background' });
    expect(started.display).toEqual({ file: 'May orders.csv' });
    const run = await alice.waitFinished(started.id);
    expect(run).toMatchObject({
      status: 'completed',
      display: { file: 'May orders.csv' },
      progress: { percent: 100, message: '3 imported, 1 rejected' },
      result: { type: 'file', fileName: 'import-report.csv', contentType: 'text/csv' },
    });
    const report = await alice.resultBytes(run.id);
    expect(report.status).toBe(200);
    expect(parse(report.body)).toEqual([
      ['line', 'status', 'reason'],
      ['5', 'rejected', 'unknown customer "Nobody"'],
    ]);
    expect(await orderCount(server)).toBe(before + 3);
  });

  it('answers 400 for a file that is not one of the caller’s completed uploads, storing nothing', async () => {
    const others = await insertUpload(server, { id: bob.userId, username: 'bob' }, 'bob.csv', `${HEADER}\n`);
    const before = await alice.allRunIds();
    for (const file of ['0b6f3d0e-4a59-4d8e-9d5c-2f1f3b9b7a10', others, 'orders.csv']) {
      const res = await alice.post('/api/runs', { task: 'import-orders', parameters: { file } });
      expectError(res, 400);
      expect(res.body.details).toEqual([{ field: 'parameters.file', message: expect.stringMatching(/^File must be/) }]);
    }
    // A run that is not an upload is no file either.
    const report = await alice.runToEnd({ task: 'export-orders', parameters: { year: 2024, customer: 'Acme' } });
    expectError(await alice.post('/api/runs', { task: 'import-orders', parameters: { file: report.id } }), 400);
    expect(await alice.allRunIds()).toEqual([report.id, ...before]);
  });

  it('exports a year as CSV that imports again with nothing rejected and nothing changed', async () => {
    const run = await alice.runToEnd({ task: 'export-orders', parameters: { year: 2024 } });
    expect(run).toMatchObject({
      status: 'completed',
      display: { year: 2024, format: 'csv' },
      result: { type: 'file', fileName: 'orders-2024.csv', contentType: 'text/csv' },
    });
    const csv = await alice.resultBytes(run.id);
    const rows = parse(csv.body, { bom: true }) as string[][];
    expect(rows[0]).toEqual(HEADER.split(','));
    expect(rows.length - 1).toBeGreaterThan(20_000);
    expect(rows.slice(1).every((r) => r[1]?.startsWith('2024-'))).toBe(true);

    const before = await orderCount(server);
    const file = await insertUpload(server, owner(), 'orders-2024.csv', csv.body);
    const again = await alice.runToEnd({ task: 'import-orders', parameters: { file }, mode: 'background' }, 120_000);
    expect(again.progress.message).toBe(`${(rows.length - 1).toLocaleString('en-US')} imported, 0 rejected`);
    expect(await orderCount(server)).toBe(before);
  });

  it('a cancelled export leaves no file', async () => {
    const started = await alice.startRun({ task: 'export-orders', parameters: { format: 'xlsx' } });
    await alice.pollRun(started.id, (r) => /^\d[\d,]* of /.test(r.progress.message ?? ''), 30_000, 'rows written');
    expect((await alice.post(`/api/runs/${started.id}/cancel`)).status).toBe(202);
    const run = await alice.waitFinished(started.id);
    expect(run).toMatchObject({ status: 'cancelled', result: null });
    expect(existsSync(join(server.dataDir, 'results', started.id))).toBe(false);
    expectError(await alice.get(`/api/runs/${started.id}/result`), 409);
  });

  it('a cancelled import leaves the orders as they were', async () => {
    const before = await orderCount(server);
    const file = await insertUpload(server, owner(), 'big.csv', `${HEADER}\n${lines(150_000, 'API-C')}\n`);
    const started = await alice.startRun({ task: 'import-orders', parameters: { file }, mode: 'background' });
    await alice.pollRun(started.id, (r) => /^Row /.test(r.progress.message ?? ''), 30_000, 'rows read');
    expect((await alice.post(`/api/runs/${started.id}/cancel`)).status).toBe(202);
    const run = await alice.waitFinished(started.id);
    expect(run).toMatchObject({ status: 'cancelled', result: null });
    expect(await orderCount(server)).toBe(before);
    expect(existsSync(join(server.dataDir, 'results', started.id))).toBe(false);
  });
});
