import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Customer } from '../../demo/customer.entity';
import { describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import { Order } from '../../demo/order.entity';
import { Product } from '../../demo/product.entity';
import { TaskFailure } from '../task-handler';
import { type BuiltinTasksFixture, recordingContext, startBuiltinTasks } from './builtin-tasks.testing';
import { EXPORT_PAGE, ExportOrdersTask, type ExportOrdersParameters, exportFileName } from './export-orders.task';
import { ImportOrdersTask } from './import-orders.task';
import { orderLines } from './orders.testing';
import { centsToAmount, ORDER_COLUMNS, ORDER_HEADER } from './orders-csv-format';

describe('exportFileName', () => {
  it('names the file after the filter', () => {
    expect(exportFileName(null, 2025, 'csv')).toBe('orders-2025.csv');
    expect(exportFileName(null, undefined, 'xlsx')).toBe('orders-all.xlsx');
    expect(exportFileName('Acme', 2024, 'csv')).toBe('orders-Acme-2024.csv');
    expect(exportFileName('Acme', undefined, 'csv')).toBe('orders-Acme.csv');
  });
});

describeEachDemoDatabase('export-orders', (kind) => {
  let fixture: BuiltinTasksFixture;
  let task: ExportOrdersTask;
  let dir: string;

  beforeAll(async () => {
    fixture = await startBuiltinTasks(kind);
    task = fixture.moduleRef.get(ExportOrdersTask);
    dir = await mkdtemp(join(tmpdir(), 'onward-export-'));
    // More orders than one page holds, so that the export pages through them.
    const path = join(dir, 'more.csv');
    await writeFile(path, [ORDER_HEADER, ...orderLines(EXPORT_PAGE + 1500, 'EX')].join('\n'));
    const importing = recordingContext({ file: fixture.uploads.add(path, 'more.csv') }, dir);
    await fixture.moduleRef.get(ImportOrdersTask).run(importing.ctx);
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The stored orders as file lines (names resolved, the price as an amount), in id order. */
  async function expectedLines(match: (o: Order, customer: string) => boolean): Promise<string[][]> {
    const customers = new Map((await fixture.dataSource.getRepository(Customer).find()).map((c) => [c.id, c.name]));
    const products = new Map((await fixture.dataSource.getRepository(Product).find()).map((p) => [p.id, p.name]));
    const orders = await fixture.dataSource.getRepository(Order).find({ order: { id: 'ASC' } });
    return orders
      .filter((o) => match(o, customers.get(o.customerId) ?? ''))
      .map((o) => [
        o.reference,
        o.orderedOn,
        customers.get(o.customerId) ?? '',
        products.get(o.productId) ?? '',
        String(o.quantity),
        centsToAmount(o.unitPriceCents),
      ]);
  }

  const run = (parameters: ExportOrdersParameters) => {
    const recording = recordingContext(parameters, dir);
    return { ...recording, done: task.run(recording.ctx) };
  };

  it('streams a year’s orders to a CSV that import-orders reads, with progress every 1,000 rows', async () => {
    const { done, files, progress } = run({ year: 2025, format: 'csv' });
    await done;
    const [file] = files;
    expect(file).toMatchObject({ fileName: 'orders-2025.csv', contentType: 'text/csv' });
    const bytes = await readFile(file?.path ?? '');
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = parse(bytes, { bom: true }) as string[][];
    const expected = await expectedLines((o) => o.orderedOn.startsWith('2025-'));
    expect(expected.length).toBeGreaterThan(EXPORT_PAGE);
    expect(lines).toEqual([[...ORDER_COLUMNS], ...expected]);
    const total = expected.length.toLocaleString('en-US');
    expect(progress.map((p) => p.message)).toEqual(
      expect.arrayContaining([`1,000 of ${total} orders`, `6,000 of ${total} orders`]),
    );
    expect(progress.at(-1)).toEqual({ percent: 100, message: `${total} orders exported` });
  });

  it('reports its progress in Dutch when the run is Dutch', async () => {
    const recording = recordingContext<ExportOrdersParameters>({ customer: 'Initech', format: 'csv' }, dir, 'nl');
    await task.run(recording.ctx);
    expect(recording.progress[0]?.message).toBe('Orders tellen');
    expect(recording.progress.at(-1)?.message).toMatch(/^[\d.]+ orders? geëxporteerd$/);
  });

  it('writes one customer’s orders to an Excel workbook', async () => {
    const { done, files } = run({ customer: 'acme', format: 'xlsx' });
    await done;
    const [file] = files;
    expect(file).toMatchObject({
      fileName: 'orders-Acme.xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file?.path ?? '');
    const sheet = workbook.getWorksheet('Orders');
    const rows: string[][] = [];
    sheet?.eachRow((row) => {
      const values = (row.values as unknown[]).slice(1);
      rows.push(
        values.map((value, i) =>
          value instanceof Date
            ? value.toISOString().slice(0, 10)
            : i === 5 && typeof value === 'number'
              ? centsToAmount(Math.round(value * 100))
              : String(value),
        ),
      );
    });
    expect(rows).toEqual([[...ORDER_COLUMNS], ...(await expectedLines((_o, customer) => customer === 'Acme'))]);
  });

  it('fails for an unknown customer, writing no file', async () => {
    const { done, files } = run({ customer: 'Nobody', format: 'csv' });
    await expect(done).rejects.toThrow(new TaskFailure('Unknown customer "Nobody"'));
    expect(files).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const { done, controller, progressReached } = run({ format: 'csv' });
    await progressReached((p) => p.message?.startsWith('1,000 of') ?? false);
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('round trip: the exported CSV imported again rejects nothing and changes nothing', async () => {
    const before = await fixture.dataSource.getRepository(Order).find({ order: { id: 'ASC' } });
    const exported = run({ format: 'csv' });
    await exported.done;
    const path = exported.files[0]?.path ?? '';
    const importing = recordingContext({ file: fixture.uploads.add(path, 'orders-all.csv') }, dir);
    await fixture.moduleRef.get(ImportOrdersTask).run(importing.ctx);
    const total = before.length.toLocaleString('en-US');
    expect(importing.progress.at(-1)?.message).toBe(`${total} imported, 0 rejected`);
    expect(parse(await readFile(importing.files[0]?.path ?? ''))).toEqual([['line', 'status', 'reason']]);
    expect(await fixture.dataSource.getRepository(Order).find({ order: { id: 'ASC' } })).toEqual(before);
  });
});
