import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Between } from 'typeorm';

import { Customer } from '../../demo/customer.entity';
import { describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import { Order } from '../../demo/order.entity';
import { TaskFailure } from '../task-handler';
import {
  type BuiltinTasksFixture,
  escapeRegExp,
  pdfPageCount,
  pdfText,
  recordingContext,
  startBuiltinTasks,
} from './builtin-tasks.testing';
import { formatCount, formatMoney } from './report-pdf';
import { SalesReportTask, type SalesReportParameters } from './sales-report.task';

/** A line of the totals box: the label, then the value at the end of the line. */
const totalLine = (label: string, value: string): RegExp => new RegExp(`${label}\\s+${escapeRegExp(value)}\\s*$`, 'm');

describeEachDemoDatabase('sales-report', (kind) => {
  let fixture: BuiltinTasksFixture;
  let task: SalesReportTask;
  let dir: string;

  beforeAll(async () => {
    fixture = await startBuiltinTasks(kind);
    task = fixture.moduleRef.get(SalesReportTask);
    dir = await mkdtemp(join(tmpdir(), 'onward-sales-report-'));
  });

  afterAll(async () => {
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The customer's orders of the year, read straight from the table rather than through the handler's queries. */
  async function ordersOf(name: string, year: number): Promise<Order[]> {
    const customer = await fixture.dataSource.getRepository(Customer).findOneByOrFail({ name });
    return fixture.dataSource.getRepository(Order).find({
      where: { customerId: customer.id, orderedOn: Between(`${year}-01-01`, `${year}-12-31`) },
    });
  }

  const run = (parameters: SalesReportParameters) => {
    const recording = recordingContext(parameters, dir);
    return { ...recording, done: task.run(recording.ctx) };
  };

  it('streams a readable PDF of the customer’s orders and totals for that year', async () => {
    const { done, files, progress } = run({ customer: 'Acme', year: 2024 });
    await done;

    expect(files.map((f) => [f.fileName, f.contentType])).toEqual([['sales-report-Acme-2024.pdf', 'application/pdf']]);
    const file = files[0] as (typeof files)[number];
    expect(file.stream.writableFinished).toBe(true);
    const bytes = await readFile(file.path);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(bytes.length).toBeGreaterThan(1024);

    const messages = progress.map((p) => p.message ?? '');
    const at = (prefix: string) => messages.findIndex((m) => m.startsWith(prefix));
    expect(at('Loading orders')).toBeGreaterThanOrEqual(0);
    expect(at('Rendering table')).toBeGreaterThan(at('Loading orders'));
    expect(at('Totals')).toBeGreaterThan(at('Rendering table'));
    const percents = progress.map((p) => p.percent ?? 0);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);

    const orders = await ordersOf('Acme', 2024);
    const text = pdfText(file.path);
    if (text === null) {
      console.warn('pdftotext is not installed (apt-get install poppler-utils): the PDF’s text is not checked');
      return;
    }
    const revenue = orders.reduce((sum, o) => sum + o.quantity * o.unitPriceCents, 0);
    const units = orders.reduce((sum, o) => sum + o.quantity, 0);
    expect(text).toContain('Sales report');
    expect(text).toContain('Acme');
    expect(text).toMatch(totalLine('Orders', formatCount(orders.length)));
    expect(text).toMatch(totalLine('Units', formatCount(units)));
    expect(text).toMatch(totalLine('Revenue', formatMoney(revenue)));
    // Every order line made it into the table, whatever the page it landed on.
    for (const order of orders) expect(text).toContain(order.reference);
  });

  it('repeats the table header on every page of a report that needs more than one', async () => {
    // The busiest customer-year of the demo data, so that the table has to break across pages.
    const candidates = await Promise.all(
      ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'].flatMap((customer) =>
        [2024, 2025].map(async (year) => ({ customer, year, orders: (await ordersOf(customer, year)).length })),
      ),
    );
    const busiest = candidates.reduce((a, b) => (b.orders > a.orders ? b : a));
    const { done, files } = run({ customer: busiest.customer, year: busiest.year });
    await done;
    const path = (files[0] as (typeof files)[number]).path;
    const pages = pdfPageCount(await readFile(path));
    expect(pages).toBeGreaterThan(1);
    if (pdfText(path) === null) return;
    for (let page = 1; page <= pages; page++) {
      const text = pdfText(path, page) ?? '';
      expect(text).toMatch(/Order\s+Date\s+Product\s+Quantity\s+Unit price\s+Amount/);
      expect(text).toContain(`Page ${page}`);
      if (page > 1) expect(text).toContain('(continued)');
    }
  });

  it('writes its progress and its PDF in Dutch for a Dutch run', async () => {
    const recording = recordingContext({ customer: 'Acme', year: 2024 }, dir, 'nl');
    await task.run(recording.ctx);
    const messages = recording.progress.map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining(['Klant opzoeken', 'Orders laden', 'Tabel opmaken', 'Klaar']));
    expect(messages).not.toContain('Loading orders');
    const text = pdfText(recording.files[0]?.path ?? '', 1);
    if (text === null) return;
    expect(text).toContain('Verkooprapport');
    expect(text).toMatch(/KLANT\s+JAAR\s+PERIODE/);
    expect(text).toContain('01 jan – 31 dec 2024');
    // Amounts as Dutch writes them: a decimal comma and a thousands dot.
    expect(text).toMatch(/US\$ \d{1,3}(\.\d{3})*,\d{2}/);
    expect(text).toContain('Stukprijs');
    expect(text).not.toContain('Sales report');
  });

  it('finds the customer whatever the case of the name', async () => {
    const { done, files } = run({ customer: 'aCmE', year: 2025 });
    await done;
    expect(files.map((f) => f.fileName)).toEqual(['sales-report-Acme-2025.pdf']);
  });

  it('fails for an unknown customer with a message naming it, and writes no file', async () => {
    const { done, files } = run({ customer: 'Nobody Inc', year: 2024 });
    await expect(done).rejects.toBeInstanceOf(TaskFailure);
    await expect(done).rejects.toThrow('Unknown customer "Nobody Inc"');
    expect(files).toEqual([]);
  });

  it('fails for an unknown customer in the language of the run', async () => {
    const recording = recordingContext({ customer: 'Nobody Inc', year: 2024 }, dir, 'nl');
    await expect(task.run(recording.ctx)).rejects.toThrow(new TaskFailure('Onbekende klant "Nobody Inc"'));
  });

  it('stops when cancelled while rendering, and does not finish the file', async () => {
    const { done, files, controller, progressReached } = run({ customer: 'Globex', year: 2025 });
    done.catch(() => undefined);
    await progressReached((p) => p.message?.startsWith('Rendering table') ?? false);
    const reason = new Error('cancelled by the user');
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    const file = files[0] as (typeof files)[number];
    expect(file.stream.destroyed).toBe(true);
    expect(file.stream.writableFinished).toBe(false);
  });
});
