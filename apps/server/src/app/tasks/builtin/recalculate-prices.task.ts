import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep, throwIfAborted } from './abortable-sleep';
import { demandPrice, demandWindow } from './demand-pricing';
import { DemoSalesRepository } from './demo-sales.repository';
import { RECALCULATE_PRICES_MESSAGES, type RecalculatePricesMessages } from './recalculate-prices.messages';

export type RecalculatePricesParameters = { category: string; seconds: number };

/** What the run returns: how many product rows its UPDATEs changed, over all chunks. */
export interface RecalculatePricesResult {
  updated: number;
}

/**
 * A stored-procedure-like batch job: reprices one category's products from their recent demand,
 * in one transaction per chunk, spread over about `seconds` seconds.
 */
@OnwardTask({
  id: 'recalculate-prices',
  title: 'Recalculate prices',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [
    {
      name: 'category',
      label: 'Category',
      type: 'string',
      required: true,
      options: [
        { value: 'Hardware', label: 'Hardware' },
        { value: 'Services', label: 'Services' },
        { value: 'Software', label: 'Software' },
      ],
    },
    { name: 'seconds', label: 'Duration (seconds)', type: 'number', required: false, default: 10, min: 0.5, max: 3600 },
  ],
  displayParameters: ['category'],
  translations: {
    nl: {
      title: 'Prijzen herberekenen',
      parameters: {
        category: { label: 'Categorie', options: { Services: 'Diensten' } },
        seconds: { label: 'Duur (seconden)' },
      },
    },
  },
})
export class RecalculatePricesTask implements TaskHandler<RecalculatePricesParameters> {
  constructor(private readonly sales: DemoSalesRepository) {}

  async run(ctx: TaskContext<RecalculatePricesParameters>): Promise<RecalculatePricesResult> {
    const { signal } = ctx;
    const text = RECALCULATE_PRICES_MESSAGES[ctx.locale];
    const category = await this.resolveCategory(ctx.parameters.category, text);
    const seconds = ctx.parameters.seconds ?? 10;
    const chunks = Math.max(1, Math.ceil(seconds));
    const sliceMs = (seconds * 1000) / chunks;
    const span = await this.sales.orderDateSpan(category);

    const started = Date.now();
    let updated = 0;
    for (let chunk = 1; chunk <= chunks; chunk++) {
      throwIfAborted(signal);
      ctx.progress(Math.round((1000 * (chunk - 1)) / chunks) / 10, text.chunk(chunk, chunks));
      updated += await this.sales.transaction(async (tx) => {
        const window = span ? demandWindow(span, chunk, chunks) : null;
        const sold = window ? await tx.unitsSold(category, window.from, window.to) : new Map<number, number>();
        const products = await tx.productsOf(category);
        const average = products.reduce((sum, p) => sum + (sold.get(p.id) ?? 0), 0) / Math.max(1, products.length);
        let rows = 0;
        for (const product of products) {
          rows += await tx.setPrice(
            product.id,
            demandPrice(product.basePriceCents, sold.get(product.id) ?? 0, average),
          );
        }
        return rows;
      });
      // Against the start time, not per chunk, so that the DB work does not make the run drift longer.
      await sleep(started + chunk * sliceMs - Date.now(), signal);
    }
    ctx.progress(100, text.updated(updated));
    ctx.setSummary(text.summary(updated));
    return { updated };
  }

  private async resolveCategory(name: string, text: RecalculatePricesMessages): Promise<string> {
    const known = await this.sales.categories();
    const match = known.find((c) => c.toLowerCase() === name.trim().toLowerCase());
    if (!match) throw new TaskFailure(text.unknownCategory(name), text.knownCategories(known));
    return match;
  }
}
