import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep, throwIfAborted } from './abortable-sleep';
import { DemoSalesRepository, type OrderLine } from './demo-sales.repository';
import {
  createReportDocument,
  drawHeading,
  drawNote,
  drawSectionTitle,
  drawTotals,
  formatCount,
  formatMoney,
  type PdfDocument,
  PdfTable,
  streamPdf,
} from './report-pdf';

export type SalesReportParameters = { customer: string; year: number };

/**
 * Pauses between sections, in ms. The demo data renders in milliseconds; these make the run last
 * the 2–3 s in which a user can watch its progress move (and cancel it).
 */
const PAUSE = { lookUp: 200, load: 400, heading: 300, table: 1000, totals: 400 } as const;
/** Rows drawn between two progress reports (and pauses). */
const ROWS_PER_STEP = 8;

/** One customer's orders of one year as a PDF: heading, the order lines, and totals. */
@OnwardTask({
  id: 'sales-report',
  title: 'Sales report',
  kind: 'report',
  awaitResult: 'no',
  background: true,
  parameters: [
    { name: 'customer', label: 'Customer', type: 'string', required: true },
    { name: 'year', label: 'Year', type: 'integer', required: true, min: 2000, max: 2100 },
  ],
  displayParameters: ['customer', 'year'],
})
export class SalesReportTask implements TaskHandler<SalesReportParameters> {
  constructor(private readonly sales: DemoSalesRepository) {}

  async run(ctx: TaskContext<SalesReportParameters>): Promise<void> {
    const { signal } = ctx;
    const { year } = ctx.parameters;

    ctx.progress(0, 'Looking up customer');
    const customer = await this.sales.findCustomer(ctx.parameters.customer);
    if (!customer) throw new TaskFailure(`Unknown customer "${ctx.parameters.customer}"`);
    await sleep(PAUSE.lookUp, signal);

    ctx.progress(10, 'Loading orders');
    const lines = await this.sales.ordersOfYear(customer.id, year);
    await sleep(PAUSE.load, signal);

    // The file is opened only now, so that a failed look-up leaves no result file behind.
    const out = ctx.openResultFile(`sales-report-${customer.name}-${year}.pdf`, 'application/pdf');
    const doc = createReportDocument({
      title: `Sales report: ${customer.name}, ${year}`,
      subject: `Orders of ${customer.name} in ${year}`,
      footer: `Onward · Sales report · ${customer.name} · ${year}`,
    });
    await streamPdf(doc, out, async () => {
      ctx.progress(20, 'Rendering heading');
      drawHeading(doc, {
        kicker: 'Onward demo trading',
        title: 'Sales report',
        facts: [
          ['Customer', customer.name],
          ['Year', String(year)],
          ['Period', `01 Jan – 31 Dec ${year}`],
          ['Generated', new Date().toISOString().slice(0, 10)],
        ],
      });
      await sleep(PAUSE.heading, signal);

      ctx.progress(30, 'Rendering table');
      await this.drawOrders(ctx, doc, lines, customer.name, year);

      ctx.progress(85, 'Totals');
      throwIfAborted(signal);
      const units = lines.reduce((sum, l) => sum + l.quantity, 0);
      const revenue = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
      drawTotals(doc, [
        ['Orders', formatCount(lines.length)],
        ['Units', formatCount(units)],
        ['Average order', formatMoney(lines.length ? Math.round(revenue / lines.length) : 0)],
        ['Revenue', formatMoney(revenue)],
      ]);
      drawNote(doc, 'Amounts are in US dollars: quantity × unit price, after volume discounts.');
      await sleep(PAUSE.totals, signal);
      ctx.progress(95, 'Writing file');
    });
    ctx.progress(100, 'Done');
  }

  private async drawOrders(
    ctx: TaskContext<SalesReportParameters>,
    doc: PdfDocument,
    lines: OrderLine[],
    customer: string,
    year: number,
  ): Promise<void> {
    drawSectionTitle(doc, `Orders in ${year}`);
    const table = new PdfTable(
      doc,
      [
        { header: 'Order', weight: 1.3 },
        { header: 'Date', weight: 1 },
        { header: 'Product', weight: 2.4 },
        { header: 'Quantity', weight: 0.9, align: 'right' },
        { header: 'Unit price', weight: 1.2, align: 'right' },
        { header: 'Amount', weight: 1.3, align: 'right' },
      ],
      `Orders of ${customer} in ${year} (continued)`,
    );
    if (lines.length === 0) table.addRow(['', '', `No orders in ${year}`, '', '', '']);
    const steps = Math.max(1, Math.ceil(lines.length / ROWS_PER_STEP));
    for (const [i, line] of lines.entries()) {
      throwIfAborted(ctx.signal);
      table.addRow([
        line.reference,
        line.orderedOn,
        line.product,
        formatCount(line.quantity),
        formatMoney(line.unitPriceCents),
        formatMoney(line.quantity * line.unitPriceCents),
      ]);
      const drawn = i + 1;
      if (drawn % ROWS_PER_STEP === 0 || drawn === lines.length) {
        ctx.progress(
          30 + Math.round((55 * drawn) / lines.length),
          `Rendering table: ${drawn} of ${lines.length} orders`,
        );
        await sleep(PAUSE.table / steps, ctx.signal);
      }
    }
    table.end();
  }
}
