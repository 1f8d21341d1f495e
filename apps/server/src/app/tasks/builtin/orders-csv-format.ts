/**
 * The orders file format, written by `export-orders` and read by `import-orders`: one header line
 * with these columns, then one order per line. Dates are `YYYY-MM-DD`; the unit price is a decimal
 * amount in dollars with at most two decimals (`1499.00`), stored as integer cents.
 */
export const ORDER_COLUMNS = ['reference', 'date', 'customer', 'product', 'quantity', 'unit_price'] as const;
export type OrderColumn = (typeof ORDER_COLUMNS)[number];

/** The header line as a user would type it. */
export const ORDER_HEADER = ORDER_COLUMNS.join(',');

/** The longest order reference the orders table holds. */
export const MAX_REFERENCE_LENGTH = 20;

/** The largest value an `integer` column holds on both databases. */
const MAX_INT = 2_147_483_647;

const counts = new Intl.NumberFormat('en-US');

/** "10,000": counts in messages, grouped the en-US way. */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** Integer cents as the file's decimal amount: 149900 → "1499.00". */
export function centsToAmount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One order as the import stores it (ids resolved). */
export interface OrderInput {
  reference: string;
  customerId: number;
  productId: number;
  orderedOn: string;
  quantity: number;
  unitPriceCents: number;
}

/** Customer and product ids by their names in lower case (loaded once per import: the tables are small). */
export interface OrderLookups {
  customers: ReadonlyMap<string, number>;
  products: ReadonlyMap<string, number>;
}

export type RowCheck = { ok: true; order: OrderInput } | { ok: false; reason: string };

/** Whether the header names exactly the format's columns (any order, case and surrounding blanks ignored). */
export function isOrderHeader(header: readonly string[]): boolean {
  const names = header.map((name) => name.trim().toLowerCase());
  return names.length === ORDER_COLUMNS.length && ORDER_COLUMNS.every((column) => names.includes(column));
}

/** The header as read, normalised, for the columns option of the parser. */
export function normaliseHeader(header: readonly string[]): string[] {
  return header.map((name) => name.trim().toLowerCase());
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const AMOUNT = /^(\d{1,8})(?:\.(\d{1,2}))?$/;
const INTEGER = /^\d{1,10}$/;
/** Printable ASCII: what an order reference may hold. */
const REFERENCE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function validDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y as number, (m as number) - 1, d as number));
  return date.toISOString().slice(0, 10) === text;
}

/**
 * Checks one record of the file (column name → text) and resolves its customer and product; the
 * reason names the first problem found, for the import report.
 */
export function checkOrderRow(record: Readonly<Record<string, string | undefined>>, lookups: OrderLookups): RowCheck {
  const field = (column: OrderColumn): string => (record[column] ?? '').trim();
  // A replacement character is what invalid UTF-8 bytes decode to: the file was saved in another encoding.
  for (const column of ORDER_COLUMNS) {
    if (field(column).includes('\uFFFD')) {
      return { ok: false, reason: `${column} is not UTF-8 text (save the file as CSV UTF-8)` };
    }
  }
  const reference = field('reference');
  if (!reference) return { ok: false, reason: 'reference is missing' };
  if (reference.length > MAX_REFERENCE_LENGTH)
    return { ok: false, reason: `reference is longer than ${MAX_REFERENCE_LENGTH} characters` };
  if (!REFERENCE.test(reference)) return { ok: false, reason: 'reference may only hold printable ASCII characters' };

  const date = field('date');
  if (!validDate(date)) return { ok: false, reason: `date "${date.slice(0, 40)}" is not a valid YYYY-MM-DD date` };

  const customer = field('customer');
  const customerId = lookups.customers.get(customer.toLowerCase());
  if (customerId === undefined) return { ok: false, reason: `unknown customer "${customer.slice(0, 100)}"` };

  const product = field('product');
  const productId = lookups.products.get(product.toLowerCase());
  if (productId === undefined) return { ok: false, reason: `unknown product "${product.slice(0, 100)}"` };

  const quantityText = field('quantity');
  const quantity = INTEGER.test(quantityText) ? Number(quantityText) : Number.NaN;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_INT)
    return { ok: false, reason: `quantity "${quantityText.slice(0, 40)}" is not a whole number above 0` };

  const priceText = field('unit_price');
  const price = AMOUNT.exec(priceText);
  if (!price) {
    const negative = /^-\d/.test(priceText);
    return {
      ok: false,
      reason: negative
        ? `unit_price "${priceText.slice(0, 40)}" is below 0`
        : `unit_price "${priceText.slice(0, 40)}" is not an amount such as 12.50`,
    };
  }
  const unitPriceCents = Number(price[1]) * 100 + Number((price[2] ?? '').padEnd(2, '0'));
  if (unitPriceCents > MAX_INT) return { ok: false, reason: `unit_price "${priceText}" is too large` };

  return { ok: true, order: { reference, customerId, productId, orderedOn: date, quantity, unitPriceCents } };
}
