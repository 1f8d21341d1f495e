import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Customer } from '../../demo/customer.entity';
import { describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import { Order } from '../../demo/order.entity';
import { TaskFailure } from '../task-handler';
import {
  type BuiltinTasksFixture,
  escapeRegExp,
  pdfText,
  recordingContext,
  startBuiltinTasks,
} from './builtin-tasks.testing';
import { PrintPreviewTask, type PrintPreviewParameters } from './print-preview.task';
import { formatCount, formatMoney } from './report-pdf';

describeEachDemoDatabase('print-preview', (kind) => {
  let fixture: BuiltinTasksFixture;
  let task: PrintPreviewTask;
  let dir: string;

  beforeAll(async () => {
    fixture = await startBuiltinTasks(kind);
    task = fixture.moduleRef.get(PrintPreviewTask);
    dir = await mkdtemp(join(tmpdir(), 'onward-print-preview-'));
  });

  afterAll(async () => {
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (parameters: PrintPreviewParameters) => {
    const recording = recordingContext(parameters, dir);
    return { ...recording, done: task.run(recording.ctx) };
  };

  it('writes a PDF summary of the customer’s orders and revenue per year', async () => {
    const { done, files, progress } = run({ customer: 'globex' });
    await done;

    expect(files.map((f) => [f.fileName, f.contentType])).toEqual([['print-preview-Globex.pdf', 'application/pdf']]);
    const file = files[0] as (typeof files)[number];
    const bytes = await readFile(file.path);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(bytes.length).toBeGreaterThan(1024);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)?.percent).toBe(100);

    const text = pdfText(file.path);
    if (text === null) {
      console.warn('pdftotext is not installed (apt-get install poppler-utils): the PDF’s text is not checked');
      return;
    }
    const customer = await fixture.dataSource.getRepository(Customer).findOneByOrFail({ name: 'Globex' });
    const orders = await fixture.dataSource.getRepository(Order).findBy({ customerId: customer.id });
    expect(text).toContain('Customer summary');
    expect(text).toContain('Globex');
    for (const year of [2024, 2025]) {
      const ofYear = orders.filter((o) => o.orderedOn.startsWith(`${year}-`));
      const revenue = ofYear.reduce((sum, o) => sum + o.quantity * o.unitPriceCents, 0);
      expect(text).toMatch(
        new RegExp(`${year}\\s+${formatCount(ofYear.length)}\\s+[\\d,]+\\s+${escapeRegExp(formatMoney(revenue))}`),
      );
    }
    const total = orders.reduce((sum, o) => sum + o.quantity * o.unitPriceCents, 0);
    expect(text).toMatch(
      new RegExp(`Total\\s+${formatCount(orders.length)}\\s+[\\d,]+\\s+${escapeRegExp(formatMoney(total))}`),
    );
  });

  it('writes its progress and its PDF in Dutch when the run is Dutch', async () => {
    const recording = recordingContext({ customer: 'Acme' }, dir, 'nl');
    await task.run(recording.ctx);
    expect(recording.progress.map((p) => p.message)).toEqual(expect.arrayContaining(['Klant opzoeken', 'Klaar']));
    const text = pdfText(recording.files[0]?.path ?? '');
    if (text !== null) expect(text).toMatch(/Klantoverzicht[\s\S]*Orders en omzet per jaar[\s\S]*Totaal/);
  });

  it('fails for an unknown customer with a message naming it, and writes no file', async () => {
    const { done, files } = run({ customer: 'Wayne Enterprises' });
    await expect(done).rejects.toBeInstanceOf(TaskFailure);
    await expect(done).rejects.toThrow('Unknown customer "Wayne Enterprises"');
    expect(files).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const { done, controller, progressReached } = run({ customer: 'Stark' });
    done.catch(() => undefined);
    await progressReached((p) => p.message === 'Summarising orders');
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });
});
