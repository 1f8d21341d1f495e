import { type CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { TaskFailure, type TaskContext, type TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { ORDERS_MESSAGES } from './orders.messages';
import { throwIfAborted } from './abortable-sleep';
import { DemoOrdersRepository } from './demo-orders.repository';
import {
  checkOrderRow,
  formatCount,
  isOrderHeader,
  normaliseHeader,
  ORDER_HEADER,
  type OrderInput,
  type OrderLookups,
} from './orders-csv-format';
import { UploadedFileReader } from './uploaded-file.reader';

export type ImportOrdersParameters = { file: string };

/** Valid rows written per statement: few round trips, well below both databases' parameter limits. */
const BATCH = 1000;
/**
 * The longest line the parser buffers (an order line has about 80 characters): a file of one huge
 * line fails at this point, with memory bounded, instead of being read whole.
 */
export const MAX_LINE_CHARS = 64 * 1024;
/** How often the report's line count is refreshed, in rows (the throttled progress keeps the rest cheap). */
const PROGRESS_EVERY = 100;

/** A file whose first line is not the orders header: the whole import stops. */
class WrongHeader extends TaskFailure {}

/** Counts the lines of the file (newline bytes, and a last line without one): the rows it holds, within quoted newlines. */
async function countLines(path: string, signal: AbortSignal): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  return last === 0x0a ? lines : lines + 1;
}

/** A parser error as the user should read it, naming the line. */
function parseFailure(error: CsvError): TaskFailure {
  const line = Number(error.lines ?? 0);
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return new TaskFailure(
        `Line ${formatCount(line)} is longer than ${formatCount(MAX_LINE_CHARS)} characters: this is not an orders file, or a quote is never closed`,
        error.message,
      );
    case 'CSV_QUOTE_NOT_CLOSED':
      return new TaskFailure(`A quote opened on line ${formatCount(line)} is never closed`, error.message);
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return new TaskFailure(
        `Line ${formatCount(line)} is not valid CSV: a field with a quote in it must be quoted, its quotes doubled`,
        error.message,
      );
    default:
      return new TaskFailure(`Line ${formatCount(line)} is not valid CSV`, error.message);
  }
}

const isCsvError = (error: unknown): error is CsvError =>
  error instanceof Error && typeof (error as Partial<CsvError>).code === 'string' && 'lines' in error;

/** Writes with backpressure: waits for `drain` when the stream asks for it. */
async function write(stream: Writable, row: unknown[]): Promise<void> {
  if (!stream.write(row)) await once(stream, 'drain');
}

/**
 * Imports orders from an uploaded CSV in `export-orders`' format. Every row is checked; the valid
 * ones are written all or nothing (a row whose reference exists replaces that order, so a file
 * exported and imported again changes nothing); the rejected ones are listed in `import-report.csv`.
 *
 * Malformed files: a wrong header, a line over 64 K characters (one huge line, a quote never
 * closed) or broken quoting fail the run, naming the line. Bytes that are not UTF-8 reject their
 * row ("save the file as CSV UTF-8"); so do rows with too few or too many fields. A UTF-8 byte order
 * mark (Excel's "CSV UTF-8") is skipped; quoted fields may hold newlines.
 */
@OnwardTask({
  id: 'import-orders',
  title: 'Import orders',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [{ name: 'file', label: 'File', type: 'file', required: true }],
  displayParameters: ['file'],
  translations: { nl: { title: 'Orders importeren', parameters: { file: { label: 'Bestand' } } } },
})
export class ImportOrdersTask implements TaskHandler<ImportOrdersParameters> {
  constructor(
    private readonly orders: DemoOrdersRepository,
    private readonly uploads: UploadedFileReader,
  ) {}

  async run(ctx: TaskContext<ImportOrdersParameters>): Promise<void> {
    const { signal } = ctx;
    const text = ORDERS_MESSAGES[ctx.locale];
    ctx.progress(0, text.reading);
    const file = await this.uploads.open(ctx.parameters.file);
    if (file.size === 0) throw new TaskFailure(text.emptyFile);
    // An upper bound of the rows (quoted newlines count twice), to say "Row 3,000 of 10,000" from the start.
    const lines = await countLines(file.path, signal);
    const lookups = await this.lookups();

    const report = stringify({ header: true, columns: ['line', 'status', 'reason'] });
    const written = finished(report.pipe(ctx.openResultFile('import-report.csv', 'text/csv')));
    // The report's own failure (a full disk) must not go unobserved while the import runs.
    written.catch(() => undefined);

    const writer = await this.orders.startImport(ctx.runId);
    let imported = 0;
    let rejected = 0;
    let rows = 0;
    try {
      const batch: OrderInput[] = [];
      let total = Math.max(0, lines - 1);
      let previousLines = 1;
      let previousEmpty = 0;
      let previousInvalid = 0;
      let headerSeen = false;
      const parser = parse({
        // Excel's "CSV UTF-8" starts with a byte order mark: skipped, not part of the first column's name.
        bom: true,
        columns: (header: string[]) => {
          headerSeen = true;
          if (!isOrderHeader(header)) {
            throw new WrongHeader(
              `The first line must be the header "${ORDER_HEADER}"`,
              `Found: ${header.join(',').slice(0, 300)}`,
            );
          }
          return normaliseHeader(header);
        },
        relax_quotes: false,
        // Rows with a missing or an extra field are rejected one by one, not the whole file.
        relax_column_count: true,
        max_record_size: MAX_LINE_CHARS,
        skip_empty_lines: true,
        info: true,
      });
      // Joined by `pipeline`, not `pipe`: a cancel (or a read error) ends the file stream and the parser
      // with it, so the loop below throws instead of waiting for rows that will never come.
      pipeline(createReadStream(file.path, { signal }), parser, () => undefined);
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number; empty_lines: number; invalid_field_length: number; bytes: number };
      }>) {
        throwIfAborted(signal);
        rows++;
        // The line the row starts on: after the previous row and any blank lines between them.
        const line = previousLines + 1 + (info.empty_lines - previousEmpty);
        const wrongFieldCount = info.invalid_field_length > previousInvalid;
        previousLines = info.lines;
        previousEmpty = info.empty_lines;
        previousInvalid = info.invalid_field_length;

        const checked = wrongFieldCount
          ? { ok: false as const, reason: 'the row does not have the 6 fields of the header' }
          : checkOrderRow(record, lookups);
        if (checked.ok) {
          batch.push(checked.order);
          imported++;
        } else {
          rejected++;
          await write(report, [line, 'rejected', checked.reason]);
        }
        if (batch.length >= BATCH) await writer.add(batch.splice(0));
        if (rows % PROGRESS_EVERY === 0) {
          total = Math.max(total, rows);
          ctx.progress((99 * info.bytes) / file.size, text.row(rows, total));
        }
      }
      // Nothing but a byte order mark or blank lines.
      if (!headerSeen) throw new TaskFailure(text.emptyFile);
      await writer.add(batch.splice(0));
      throwIfAborted(signal);
      ctx.progress(99, text.saving(imported));
      await writer.commit();
    } catch (error) {
      await writer.rollback().catch((rollbackError: unknown) => {
        ctx.logger.warn(`Import ${ctx.runId}: the rollback failed: ${String(rollbackError)}`);
      });
      report.destroy();
      throwIfAborted(signal);
      if (error instanceof TaskFailure) throw error;
      if (isCsvError(error)) throw parseFailure(error);
      throw error;
    }
    report.end();
    await written;
    const summary = text.imported(imported, rejected);
    ctx.progress(100, summary);
    ctx.setSummary(summary);
  }

  private async lookups(): Promise<OrderLookups> {
    const lower = (ids: Map<string, number>) => new Map([...ids].map(([name, id]) => [name.toLowerCase(), id]));
    const [customers, products] = await Promise.all([this.orders.customerIds(), this.orders.productIds()]);
    return { customers: lower(customers), products: lower(products) };
  }
}
