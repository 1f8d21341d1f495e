import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep, throwIfAborted } from './abortable-sleep';
import { DemoSalesRepository } from './demo-sales.repository';
import { createReportDocument, drawHeading, drawNote, drawSectionTitle, PdfTable, streamPdf } from './report-pdf';
import { PRINT_PREVIEW_MESSAGES } from './print-preview.messages';

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
  translations: { nl: { title: 'Afdrukvoorbeeld', parameters: { customer: { label: 'Klant' } } } },
  // Read-only, short, and someone is waiting for it in a dialog: run it again rather than fail it.
  retryOnCrash: true,
})
export class PrintPreviewTask implements TaskHandler<PrintPreviewParameters> {
  constructor(private readonly sales: DemoSalesRepository) {}

  async run(ctx: TaskContext<PrintPreviewParameters>): Promise<void> {
    const { signal } = ctx;
    const text = PRINT_PREVIEW_MESSAGES[ctx.locale];

    ctx.progress(0, text.lookingUp);
    const customer = await this.sales.findCustomer(ctx.parameters.customer);
    if (!customer) throw new TaskFailure(text.unknownCustomer(ctx.parameters.customer));
    await sleep(PAUSE.lookUp, signal);

    ctx.progress(25, text.summarising);
    const years = await this.sales.yearlyTotals(customer.id);
    await sleep(PAUSE.summary, signal);

    const out = ctx.openResultFile(`print-preview-${customer.name}.pdf`, 'application/pdf');
    const doc = createReportDocument({
      title: text.title(customer.name),
      subject: text.subject(customer.name),
      footer: text.footer(customer.name),
    });
    await streamPdf(doc, out, async () => {
      ctx.progress(50, text.rendering);
      drawHeading(doc, {
        kicker: text.kicker,
        title: text.heading,
        facts: [
          [text.facts.customer, customer.name],
          [text.facts.years, years.length ? `${years[0]?.year} – ${years[years.length - 1]?.year}` : '–'],
          [text.facts.generated, new Date().toISOString().slice(0, 10)],
        ],
      });
      drawSectionTitle(doc, text.section);
      const table = new PdfTable(doc, [
        { header: text.columns[0], weight: 1 },
        { header: text.columns[1], weight: 1, align: 'right' },
        { header: text.columns[2], weight: 1, align: 'right' },
        { header: text.columns[3], weight: 1.6, align: 'right' },
      ]);
      for (const y of years) {
        throwIfAborted(signal);
        table.addRow([String(y.year), text.count(y.orders), text.count(y.units), text.money(y.revenueCents)]);
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
        [text.total, text.count(total.orders), text.count(total.units), text.money(total.revenueCents)],
        true,
      );
      table.end();
      drawNote(doc, text.note);
      await sleep(PAUSE.render, signal);
      ctx.progress(90, text.writing);
    });
    ctx.progress(100, text.done);
  }
}
