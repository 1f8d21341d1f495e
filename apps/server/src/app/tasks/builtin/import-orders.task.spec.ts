import { parse } from 'csv-parse/sync';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import type { OnwardLocale } from '@onward/task-domain';

import { describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import { Order } from '../../demo/order.entity';
import { TaskFailure } from '../task-handler';
import { type BuiltinTasksFixture, recordingContext, startBuiltinTasks } from './builtin-tasks.testing';
import { ImportOrdersTask } from './import-orders.task';
import { ORDER_HEADER } from './orders-csv-format';
import { orderLines } from './orders.testing';

describeEachDemoDatabase('import-orders', (kind) => {
  let fixture: BuiltinTasksFixture;
  let task: ImportOrdersTask;
  let dir: string;
  let files = 0;

  beforeAll(async () => {
    fixture = await startBuiltinTasks(kind);
    task = fixture.moduleRef.get(ImportOrdersTask);
    dir = await mkdtemp(join(tmpdir(), 'onward-import-'));
  });

  afterAll(async () => {
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const orderCount = () => fixture.dataSource.getRepository(Order).count();
  const storedOrders = () => fixture.dataSource.getRepository(Order).find({ order: { id: 'ASC' } });

  /** Registers `content` as an uploaded file and starts the import on it. */
  async function importFile(content: string | Buffer, fileName = 'orders.csv', locale: OnwardLocale = 'en') {
    const path = join(dir, `upload-${++files}.csv`);
    await writeFile(path, content);
    const file = fixture.uploads.add(path, fileName);
    const recording = recordingContext({ file }, dir, locale);
    return { ...recording, done: task.run(recording.ctx) };
  }

  /** The import report's rows, parsed. */
  async function reportOf(files: { path: string }[]): Promise<string[][]> {
    const [file] = files;
    if (!file) throw new Error('no report file');
    return parse(await readFile(file.path), { bom: true }) as string[][];
  }

  it('imports valid rows in one go and lists the rejected ones with their reasons', async () => {
    const before = await orderCount();
    const content = [
      ORDER_HEADER,
      'IM-A1,2025-01-15,Acme,Laptop Pro 14,2,1499.00',
      'IM-A2,2025-02-30,Acme,Laptop Pro 14,2,1499.00',
      'IM-A3,2025-01-15,Nobody Inc,Laptop Pro 14,2,1499.00',
      'IM-A4,2025-01-15,globex,"Antivirus, 1 Year",0,49',
      '',
      'IM-A5,2025-01-15,Globex,Hoverboard,1,49',
      'IM-A6,2025-01-15,Stark,Training Day,3,-1.00',
      'IM-A7,2025-01-15,Stark,Training Day,1.5,1200',
      'IM-A8,2025-01-15,Stark,Training Day,1',
      'IM-A9,2025-12-31,stark ,training day,4,1200.5',
    ].join('\r\n');
    const { done, files, progress, summary } = await importFile(content);
    await done;

    expect(await reportOf(files)).toEqual([
      ['line', 'status', 'reason'],
      ['3', 'rejected', 'date "2025-02-30" is not a valid YYYY-MM-DD date'],
      ['4', 'rejected', 'unknown customer "Nobody Inc"'],
      ['5', 'rejected', 'quantity "0" is not a whole number above 0'],
      ['7', 'rejected', 'unknown product "Hoverboard"'],
      ['8', 'rejected', 'unit_price "-1.00" is below 0'],
      ['9', 'rejected', 'quantity "1.5" is not a whole number above 0'],
      ['10', 'rejected', 'the row does not have the 6 fields of the header'],
    ]);
    expect(files[0]).toMatchObject({ fileName: 'import-report.csv', contentType: 'text/csv' });
    expect(progress.at(-1)).toEqual({ percent: 100, message: '2 imported, 7 rejected' });
    expect(summary()).toBe('2 imported, 7 rejected');
    expect(await orderCount()).toBe(before + 2);
    const imported = (await storedOrders()).filter((o) => o.reference.startsWith('IM-A'));
    expect(imported.map(({ id: _id, customerId: _c, productId: _p, ...o }) => o)).toEqual([
      { reference: 'IM-A1', orderedOn: '2025-01-15', quantity: 2, unitPriceCents: 149_900 },
      { reference: 'IM-A9', orderedOn: '2025-12-31', quantity: 4, unitPriceCents: 120_050 },
    ]);
  });

  it('accepts a UTF-8 byte order mark and quoted newlines, counting lines as a text editor does', async () => {
    const content =
      '\uFEFF' +
      [
        ORDER_HEADER,
        'IM-B1,2025-01-15,Acme,"Laptop Pro 14",1,10',
        'IM-B2,2025-01-15,Acme,"Laptop\nPro 14",1,10',
        'IM-B3,2025-01-15,Acme,"Laptop Pro 14",1,x',
        '"IM-B4",2025-01-15,"Initech","Consulting Day",1,"1450.00"',
      ].join('\n') +
      '\n';
    const { done, files, progress } = await importFile(content);
    await done;
    expect(await reportOf(files)).toEqual([
      ['line', 'status', 'reason'],
      ['3', 'rejected', 'unknown product "Laptop\nPro 14"'],
      ['5', 'rejected', 'unit_price "x" is not an amount such as 12.50'],
    ]);
    expect(progress.at(-1)?.message).toBe('2 imported, 2 rejected');
  });

  it('rejects the rows of a file that is not UTF-8', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${ORDER_HEADER}\nIM-C1,2025-01-15,Acme,Laptop Pro 14,1,10\nIM-C2,2025-01-15,Acme,Caf`),
      Buffer.from([0xe9]),
      Buffer.from(',1,10\n'),
    ]);
    const { done, files, progress } = await importFile(latin1);
    await done;
    expect(await reportOf(files)).toEqual([
      ['line', 'status', 'reason'],
      ['3', 'rejected', 'product is not UTF-8 text (save the file as CSV UTF-8)'],
    ]);
    expect(progress.at(-1)?.message).toBe('1 imported, 1 rejected');
  });

  it('replaces the order of a reference that exists, so that a file imported twice changes nothing', async () => {
    const [first] = await storedOrders();
    if (!first) throw new Error('no demo orders');
    const content = `${ORDER_HEADER}\n${first.reference},2024-06-01,Umbrella,Training Day,7,99.99\n`;
    await (
      await importFile(content)
    ).done;
    const count = await orderCount();
    await (
      await importFile(content)
    ).done;
    expect(await orderCount()).toBe(count);
    const [changed] = await storedOrders();
    expect(changed).toMatchObject({
      id: first.id,
      reference: first.reference,
      orderedOn: '2024-06-01',
      quantity: 7,
      unitPriceCents: 9_999,
    });
  });

  it('reports its progress and summary in Dutch when the run is Dutch', async () => {
    const { done, progress, summary } = await importFile(
      [ORDER_HEADER, ...orderLines(2, 'IM-NL')].join('\n'),
      'x.csv',
      'nl',
    );
    await done;
    expect(progress[0]?.message).toBe('Bestand lezen');
    expect(summary()).toBe('2 geïmporteerd, 0 geweigerd');
  });

  it('reports "Row n of total" by rows while it reads a large file', async () => {
    const before = await orderCount();
    const { done, progress } = await importFile([ORDER_HEADER, ...orderLines(3000, 'IM-D')].join('\n'));
    await done;
    expect(await orderCount()).toBe(before + 3000);
    expect(progress.map((p) => p.message)).toEqual(
      expect.arrayContaining(['Row 1,000 of 3,000', 'Row 3,000 of 3,000']),
    );
    const percents = progress.map((p) => p.percent ?? 0);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ percent: 100, message: '3,000 imported, 0 rejected' });
  });

  it('leaves the orders as they were when cancelled mid-import', async () => {
    const before = await storedOrders();
    const { done, controller, progressReached } = await importFile(
      [ORDER_HEADER, ...orderLines(20_000, 'IM-E')].join('\n'),
    );
    await progressReached((p) => p.message === 'Row 5,000 of 20,000');
    controller.abort();
    await expect(done).rejects.toThrow();
    expect(await storedOrders()).toEqual(before);
    // Nothing of it is left behind: the same file imports whole afterwards.
    const again = await importFile([ORDER_HEADER, ...orderLines(10, 'IM-E')].join('\n'));
    await again.done;
    expect(await orderCount()).toBe(before.length + 10);
  });

  describe('fails clearly, changing nothing, on a file that is not an orders file', () => {
    let before: number;
    beforeEach(async () => {
      before = await orderCount();
    });
    afterEach(async () => {
      expect(await orderCount()).toBe(before);
    });

    it('a wrong header, naming the expected one', async () => {
      const { done } = await importFile('ref;date;who\nIM-F1;2025-01-01;Acme\n');
      await expect(done).rejects.toThrow(new TaskFailure(`The first line must be the header "${ORDER_HEADER}"`));
      await expect(done).rejects.toMatchObject({ details: 'Found: ref;date;who' });
    });

    it('an empty file, or one with nothing but a byte order mark and blank lines', async () => {
      await expect((await importFile('')).done).rejects.toThrow(new TaskFailure('The file is empty'));
      await expect((await importFile('\uFEFF\n\n')).done).rejects.toThrow(new TaskFailure('The file is empty'));
      const dutch = await importFile('', 'orders.csv', 'nl');
      await expect(dutch.done).rejects.toThrow(new TaskFailure('Het bestand is leeg'));
    });

    it('binary garbage', async () => {
      // A PNG header, then bytes from a fixed generator: not text, and no orders header.
      const bytes = Buffer.alloc(64 * 1024);
      let state = 12345;
      for (let i = 0; i < bytes.length; i++) {
        state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
        bytes[i] = state >> 16;
      }
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bytes]);
      await expect((await importFile(png, 'picture.png')).done).rejects.toBeInstanceOf(TaskFailure);
      // Garbage after a valid header: rejected rows or a clear failure, never a crash or an order.
      const afterHeader = (await importFile(Buffer.concat([Buffer.from(`${ORDER_HEADER}\n`), bytes]))).done;
      await afterHeader.then(
        () => undefined,
        (error: unknown) => expect(error).toBeInstanceOf(TaskFailure),
      );
    });

    it('a 50 MB line without a newline, read with bounded memory', async () => {
      const path = join(dir, 'one-line.csv');
      async function* oneLine() {
        yield `${ORDER_HEADER}\nIM-G1,2025-01-01,Acme,`;
        const block = 'x'.repeat(1 << 20);
        for (let i = 0; i < 50; i++) yield block;
      }
      await pipeline(oneLine(), createWriteStream(path));
      const file = fixture.uploads.add(path, 'one-line.csv');
      const recording = recordingContext({ file }, dir);
      const heapBefore = process.memoryUsage().heapUsed;
      await expect(task.run(recording.ctx)).rejects.toThrow(
        new TaskFailure(
          'Line 2 is longer than 65,536 characters: this is not an orders file, or a quote is never closed',
        ),
      );
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
    });

    it('a quote never closed, or a quote inside a field', async () => {
      await expect(
        (await importFile(`${ORDER_HEADER}\nIM-H1,2025-01-01,Acme,"Laptop Pro 14,1,10\n`)).done,
      ).rejects.toThrow(new TaskFailure('A quote opened on line 2 is never closed'));
      await expect(
        (await importFile(`${ORDER_HEADER}\nIM-H2,2025-01-01,Acme,"Laptop" Pro 14,1,10\n`)).done,
      ).rejects.toThrow(/^Line 2 is not valid CSV/);
    });
  });
});
