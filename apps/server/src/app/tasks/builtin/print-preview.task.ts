import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep, throwIfAborted } from './abortable-sleep';
import { DemoSalesRepository } from './demo-sales.repository';
import {
  createReportDocument,
  drawHeading,
  drawNote,
  drawSectionTitle,
  formatCount,
  formatMoney,
  PdfTable,
  streamPdf,
} from './report-pdf';

export type PrintPreviewParameters = { customer: string };

/** Pauses between sections, in ms: about 1–2 s in all, the wait of a typical "preview" dialog. */
const PAUSE = { lookUp: 300, summary: 400, render: 400 } as const;

/** A one-page customer summary (orders and revenue per year) that the user waits for. */
@OnwardTask({
  id: 'print-preview',
  title: 'Print preview',
  kind: 'report',
  awaitResult: 'yes',
  background: false,
  parameters: [{ name: 'customer', label: 'Customer', type: 'string', required: true }],
  displayParameters: ['customer'],
  // Read-only, short, and someone is waiting for it in a dialog: run it again rather than fail it.
  retryOnCrash: true,
})
export class PrintPreviewTask implements TaskHandler<PrintPreviewParameters> {
  constructor(private readonly sales: DemoSalesRepository) {}

  async run(ctx: TaskContext<PrintPreviewParameters>): Promise<void> {
    const { signal } = ctx;

    ctx.progress(0, 'Looking up customer');
    const customer = await this.sales.findCustomer(ctx.parameters.customer);
    if (!customer) throw new TaskFailure(`Unknown customer "${ctx.parameters.customer}"`);
    await sleep(PAUSE.lookUp, signal);

    ctx.progress(25, 'Summarising orders');
    const years = await this.sales.yearlyTotals(customer.id);
    await sleep(PAUSE.summary, signal);

    const out = ctx.openResultFile(`print-preview-${customer.name}.pdf`, 'application/pdf');
    const doc = createReportDocument({
      title: `Customer summary: ${customer.name}`,
      subject: `Orders and revenue of ${customer.name} per year`,
      footer: `Onward · Print preview · ${customer.name}`,
    });
    await streamPdf(doc, out, async () => {
      ctx.progress(50, 'Rendering summary');
      drawHeading(doc, {
        kicker: 'Onward demo trading · Print preview',
        title: 'Customer summary',
        facts: [
          ['Customer', customer.name],
          ['Years', years.length ? `${years[0]?.year} – ${years[years.length - 1]?.year}` : '–'],
          ['Generated', new Date().toISOString().slice(0, 10)],
        ],
      });
      drawSectionTitle(doc, 'Orders and revenue per year');
      const table = new PdfTable(doc, [
        { header: 'Year', weight: 1 },
        { header: 'Orders', weight: 1, align: 'right' },
        { header: 'Units', weight: 1, align: 'right' },
        { header: 'Revenue', weight: 1.6, align: 'right' },
      ]);
      for (const y of years) {
        throwIfAborted(signal);
        table.addRow([String(y.year), formatCount(y.orders), formatCount(y.units), formatMoney(y.revenueCents)]);
      }
      const total = years.reduce(
        (sum, y) => ({
          orders: sum.orders + y.orders,
          units: sum.units + y.units,
          revenueCents: sum.revenueCents + y.revenueCents,
        }),
        { orders: 0, units: 0, revenueCents: 0 },
      );
      table.addRow(
        ['Total', formatCount(total.orders), formatCount(total.units), formatMoney(total.revenueCents)],
        true,
      );
      table.end();
      drawNote(doc, 'Amounts are in US dollars, after volume discounts.');
      await sleep(PAUSE.render, signal);
      ctx.progress(90, 'Writing file');
    });
    ctx.progress(100, 'Done');
  }
}
