import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { ORDERS_MESSAGES } from './orders.messages';
import { throwIfAborted } from './abortable-sleep';
import { DemoOrdersRepository, type OrderFilter, type OrderRow } from './demo-orders.repository';
import { centsToAmount, ORDER_COLUMNS } from './orders-csv-format';

export type ExportOrdersParameters = { year?: number; customer?: string; format: 'csv' | 'xlsx' };

/** Orders read per query: keyset pages, so memory holds one page whatever the total. */
export const EXPORT_PAGE = 5000;
/** Progress is reported every this many rows. */
const PROGRESS_EVERY = 1000;

const CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** One order as a line of the file, names resolved. */
type Line = [
  reference: string,
  date: string,
  customer: string,
  product: string,
  quantity: number,
  unitPriceCents: number,
];

/** Where the lines go: the CSV or the workbook, each streaming into the result file. */
interface LineSink {
  add(line: Line): Promise<void>;
  end(): Promise<void>;
}

function csvSink(out: Writable): LineSink {
  // The byte order mark makes Excel open the file as UTF-8; import-orders skips it.
  const csv = stringify({ header: true, columns: [...ORDER_COLUMNS], bom: true });
  const done = finished(csv.pipe(out));
  done.catch(() => undefined);
  return {
    async add([reference, date, customer, product, quantity, cents]) {
      if (!csv.write([reference, date, customer, product, quantity, centsToAmount(cents)])) await once(csv, 'drain');
    },
    async end() {
      csv.end();
      await done;
    },
  };
}

function xlsxSink(out: Writable): LineSink {
  // No shared strings: each committed row goes straight into the zip stream, instead of a table kept in memory.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Orders');
  sheet.columns = [
    { header: 'reference', key: 'reference', width: 16 },
    { header: 'date', key: 'date', width: 12, style: { numFmt: 'yyyy-mm-dd' } },
    { header: 'customer', key: 'customer', width: 16 },
    { header: 'product', key: 'product', width: 26 },
    { header: 'quantity', key: 'quantity', width: 10 },
    { header: 'unit_price', key: 'unit_price', width: 12, style: { numFmt: '0.00' } },
  ];
  return {
    async add([reference, date, customer, product, quantity, cents]) {
      sheet.addRow([reference, new Date(`${date}T00:00:00Z`), customer, product, quantity, cents / 100]).commit();
      // The zip stream has no backpressure of its own towards rows: wait when the file falls behind.
      if (out.writableNeedDrain) await once(out, 'drain');
    },
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** "orders-Acme-2025.csv", "orders-2025.xlsx", "orders-all.csv". */
export function exportFileName(customer: string | null, year: number | undefined, format: 'csv' | 'xlsx'): string {
  const parts = [
    'orders',
    ...(customer ? [customer] : []),
    ...(year !== undefined ? [String(year)] : customer ? [] : ['all']),
  ];
  return `${parts.join('-')}.${format}`;
}

/** Streams the matching orders to a CSV (the format import-orders reads) or an Excel workbook. */
@OnwardTask({
  id: 'export-orders',
  title: 'Export orders',
  kind: 'report',
  awaitResult: 'no',
  background: true,
  parameters: [
    { name: 'year', label: 'Year', type: 'integer', required: false, min: 2000, max: 2100 },
    { name: 'customer', label: 'Customer', type: 'string', required: false },
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
  ],
  displayParameters: ['year', 'customer', 'format'],
  translations: {
    nl: {
      title: 'Orders exporteren',
      parameters: { year: { label: 'Jaar' }, customer: { label: 'Klant' }, format: { label: 'Formaat' } },
    },
  },
})
export class ExportOrdersTask implements TaskHandler<ExportOrdersParameters> {
  constructor(private readonly orders: DemoOrdersRepository) {}

  async run(ctx: TaskContext<ExportOrdersParameters>): Promise<void> {
    const { signal } = ctx;
    const text = ORDERS_MESSAGES[ctx.locale];
    const { year, format } = ctx.parameters;
    ctx.progress(0, text.counting);
    const [customers, products] = await Promise.all([this.orders.customerIds(), this.orders.productIds()]);
    const customerNames = new Map([...customers].map(([name, id]) => [id, name]));
    const productNames = new Map([...products].map(([name, id]) => [id, name]));

    const filter: OrderFilter = { year };
    let customer: string | null = null;
    const wanted = ctx.parameters.customer?.trim();
    if (wanted) {
      const match = [...customers].find(([name]) => name.toLowerCase() === wanted.toLowerCase());
      if (!match) throw new TaskFailure(text.unknownCustomer(wanted));
      [customer, filter.customerId] = match;
    }
    const total = await this.orders.count(filter);
    throwIfAborted(signal);

    // Opened only now, so that an unknown customer leaves no file behind.
    const out = ctx.openResultFile(exportFileName(customer, year, format), CONTENT_TYPES[format]);
    const sink = format === 'xlsx' ? xlsxSink(out) : csvSink(out);
    let written = 0;
    let afterId = 0;
    for (;;) {
      const page: OrderRow[] = await this.orders.page(filter, afterId, EXPORT_PAGE);
      if (page.length === 0) break;
      for (const order of page) {
        throwIfAborted(signal);
        await sink.add([
          order.reference,
          order.orderedOn,
          customerNames.get(order.customerId) ?? '',
          productNames.get(order.productId) ?? '',
          order.quantity,
          order.unitPriceCents,
        ]);
        written++;
        if (written % PROGRESS_EVERY === 0) {
          ctx.progress((99 * written) / Math.max(total, written), text.exporting(written, Math.max(total, written)));
        }
      }
      afterId = (page.at(-1) as OrderRow).id;
    }
    await sink.end();
    ctx.progress(100, text.exported(written));
  }
}
