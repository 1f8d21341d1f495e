import { DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_YEARS, MAX_QUANTITY, YEARLY_PRICE_RISE } from './demo-data.catalogue';
import { DEFAULT_DEMO_ORDERS } from './demo-orders';
import { PRODUCT_CATEGORIES } from './product.entity';
import { SeededRandom } from './seeded-random';

/** One generated order line, naming its customer and product (the ids only exist once stored). */
export interface DemoOrderSeed {
  reference: string;
  customer: string;
  product: string;
  orderedOn: string;
  quantity: number;
  unitPriceCents: number;
}

/** Fixed, so that every installation shows the same demo numbers (and tests can rely on them). */
const SEED = 20_240_101;

function isoDate(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
}

function daysIn(year: number): number {
  return (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000;
}

/** Volume discount on the list price: what makes unit prices differ from order to order. */
function discountFor(quantity: number): number {
  if (quantity >= 20) return 0.1;
  if (quantity >= 10) return 0.05;
  return 0;
}

/**
 * The demo orders: deterministic, 20–40 per customer and year (scaled to about `total` when given,
 * `ONWARD_DEMO_ORDERS`), numbered per year in date order.
 */
export function generateDemoOrders(total: number = DEFAULT_DEMO_ORDERS): DemoOrderSeed[] {
  return [...demoOrdersByYear(total)].flat();
}

/**
 * The same orders, one year at a time, so that seeding a million holds one year's orders in memory
 * rather than all of them.
 */
export function* demoOrdersByYear(total: number = DEFAULT_DEMO_ORDERS): Generator<DemoOrderSeed[], void, undefined> {
  const random = new SeededRandom(SEED);
  const scale = total / DEFAULT_DEMO_ORDERS;
  for (const [yearIndex, year] of DEMO_YEARS.entries()) {
    const ofYear: Omit<DemoOrderSeed, 'reference'>[] = [];
    for (const customer of DEMO_CUSTOMERS) {
      const count = Math.max(1, Math.round(random.int(20, 40) * scale));
      for (let i = 0; i < count; i++) {
        const category = random.weighted(PRODUCT_CATEGORIES, (c) => customer.mix[c]);
        const candidates = DEMO_PRODUCTS.filter((p) => p.category === category);
        const product = candidates[random.int(0, candidates.length - 1)] ?? DEMO_PRODUCTS[0];
        if (!product) throw new Error('the demo catalogue is empty');
        const quantity = random.int(1, MAX_QUANTITY[category]);
        const listPrice = product.basePriceCents * (1 + YEARLY_PRICE_RISE * yearIndex);
        ofYear.push({
          customer: customer.name,
          product: product.name,
          orderedOn: isoDate(year, random.int(0, daysIn(year) - 1)),
          quantity,
          unitPriceCents: Math.round(listPrice * (1 - discountFor(quantity))),
        });
      }
    }
    // A stable sort keeps same-day orders in generation order, so references stay deterministic.
    ofYear.sort((a, b) => a.orderedOn.localeCompare(b.orderedOn));
    const digits = Math.max(4, String(ofYear.length).length);
    yield ofYear.map((order, i) => ({ reference: `SO-${year}-${String(i + 1).padStart(digits, '0')}`, ...order }));
  }
}
