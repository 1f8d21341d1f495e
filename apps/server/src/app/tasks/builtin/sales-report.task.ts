import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep, throwIfAborted } from './abortable-sleep';
import { DemoSalesRepository, type OrderLine } from './demo-sales.repository';
import { SALES_REPORT_MESSAGES } from './sales-report.messages';
import {
  createReportDocument,
  drawHeading,
  drawNote,
  drawSectionTitle,
  drawTotals,
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
  translations: {
    nl: { title: 'Verkooprapport', parameters: { customer: { label: 'Klant' }, year: { label: 'Jaar' } } },
  },
})
export class SalesReportTask implements TaskHandler<SalesReportParameters> {
  constructor(private readonly sales: DemoSalesRepository) {}

  async run(ctx: TaskContext<SalesReportParameters>): Promise<void> {
    const { signal } = ctx;
    const { year } = ctx.parameters;
    const text = SALES_REPORT_MESSAGES[ctx.locale];

    ctx.progress(0, text.lookingUp);
    const customer = await this.sales.findCustomer(ctx.parameters.customer);
    if (!customer) throw new TaskFailure(text.unknownCustomer(ctx.parameters.customer));
    await sleep(PAUSE.lookUp, signal);

    ctx.progress(10, text.loading);
    const lines = await this.sales.ordersOfYear(customer.id, year);
    await sleep(PAUSE.load, signal);

    // The file is opened only now, so that a failed look-up leaves no result file behind.
    const out = ctx.openResultFile(`sales-report-${customer.name}-${year}.pdf`, 'application/pdf');
    const doc = createReportDocument({
      title: text.title(customer.name, year),
      subject: text.subject(customer.name, year),
      footer: text.footer(customer.name, year),
    });
    await streamPdf(doc, out, async () => {
      ctx.progress(20, text.renderingHeading);
      drawHeading(doc, {
        kicker: text.kicker,
        title: text.heading,
        facts: [
          [text.facts.customer, customer.name],
          [text.facts.year, String(year)],
          [text.facts.period, text.period(year)],
          [text.facts.generated, new Date().toISOString().slice(0, 10)],
        ],
      });
      await sleep(PAUSE.heading, signal);

      ctx.progress(30, text.renderingTable);
      await this.drawOrders(ctx, doc, lines, customer.name, year);

      ctx.progress(85, text.totalsStep);
      throwIfAborted(signal);
      const units = lines.reduce((sum, l) => sum + l.quantity, 0);
      const revenue = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
      drawTotals(doc, [
        [text.totals.orders, text.count(lines.length)],
        [text.totals.units, text.count(units)],
        [text.totals.average, text.money(lines.length ? Math.round(revenue / lines.length) : 0)],
        [text.totals.revenue, text.money(revenue)],
      ]);
      drawNote(doc, text.note);
      await sleep(PAUSE.totals, signal);
      ctx.progress(95, text.writing);
    });
    ctx.progress(100, text.done);
  }

  private async drawOrders(
    ctx: TaskContext<SalesReportParameters>,
    doc: PdfDocument,
    lines: OrderLine[],
    customer: string,
    year: number,
  ): Promise<void> {
    const text = SALES_REPORT_MESSAGES[ctx.locale];
    const [order, date, product, quantity, unitPrice, amount] = text.columns;
    drawSectionTitle(doc, text.ordersIn(year));
    const table = new PdfTable(
      doc,
      [
        { header: order, weight: 1.3 },
        { header: date, weight: 1 },
        { header: product, weight: 2.4 },
        { header: quantity, weight: 0.9, align: 'right' },
        { header: unitPrice, weight: 1.2, align: 'right' },
        { header: amount, weight: 1.3, align: 'right' },
      ],
      text.continued(customer, year),
    );
    if (lines.length === 0) table.addRow(['', '', text.noOrders(year), '', '', '']);
    const steps = Math.max(1, Math.ceil(lines.length / ROWS_PER_STEP));
    for (const [i, line] of lines.entries()) {
      throwIfAborted(ctx.signal);
      table.addRow([
        line.reference,
        line.orderedOn,
        line.product,
        text.count(line.quantity),
        text.money(line.unitPriceCents),
        text.money(line.quantity * line.unitPriceCents),
      ]);
      const drawn = i + 1;
      if (drawn % ROWS_PER_STEP === 0 || drawn === lines.length) {
        ctx.progress(30 + Math.round((55 * drawn) / lines.length), text.renderingRows(drawn, lines.length));
        await sleep(PAUSE.table / steps, ctx.signal);
      }
    }
    table.end();
  }
}
