import { DEFAULT_DEMO_ORDERS } from './demo-orders';
import { DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_YEARS } from './demo-data.catalogue';
import { generateDemoOrders } from './demo-data.generator';

describe('generateDemoOrders', () => {
  const orders = generateDemoOrders();

  it('comes out the same every time', () => {
    expect(generateDemoOrders()).toEqual(orders);
  });

  it('gives every customer 20–40 orders in each demo year', () => {
    for (const { name } of DEMO_CUSTOMERS) {
      for (const year of DEMO_YEARS) {
        const count = orders.filter((o) => o.customer === name && o.orderedOn.startsWith(`${year}-`)).length;
        expect(count).toBeGreaterThanOrEqual(20);
        expect(count).toBeLessThanOrEqual(40);
      }
    }
  });

  it('makes well-formed order lines of catalogue products', () => {
    const products = new Set(DEMO_PRODUCTS.map((p) => p.name));
    for (const order of orders) {
      expect(order.orderedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${order.orderedOn}T00:00:00Z`).toISOString().slice(0, 10)).toBe(order.orderedOn);
      expect(products.has(order.product)).toBe(true);
      expect(Number.isInteger(order.quantity) && order.quantity > 0).toBe(true);
      expect(Number.isInteger(order.unitPriceCents) && order.unitPriceCents > 0).toBe(true);
    }
    expect(new Set(orders.map((o) => o.reference)).size).toBe(orders.length);
  });

  it('orders every category somewhere, so each can be recalculated', () => {
    const byName = new Map(DEMO_PRODUCTS.map((p) => [p.name, p.category]));
    expect(new Set(orders.map((o) => byName.get(o.product)))).toEqual(new Set(['Hardware', 'Software', 'Services']));
  });

  it('scales to about ONWARD_DEMO_ORDERS orders, with the default unchanged', () => {
    expect(orders).toHaveLength(DEFAULT_DEMO_ORDERS);
    const many = generateDemoOrders(30_000);
    expect(Math.abs(many.length - 30_000) / 30_000).toBeLessThan(0.05);
    expect(new Set(many.map((o) => o.reference)).size).toBe(many.length);
    expect(many.every((o) => /^SO-\d{4}-\d{4,}$/.test(o.reference))).toBe(true);
    expect(generateDemoOrders(30_000)).toEqual(many);
  });
});
