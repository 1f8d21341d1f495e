import { DataSource } from 'typeorm';

import { Customer } from './customer.entity';
import { DEMO_CUSTOMERS, DEMO_PRODUCTS } from './demo-data.catalogue';
import { generateDemoOrders } from './demo-data.generator';
import { seedDemoData } from './demo-data.seeder';
import { createDemoDatabase, type DemoDatabase, describeEachDemoDatabase } from './demo-databases.testing';
import { Order } from './order.entity';
import { Product } from './product.entity';

/** Everything seeded, by names rather than ids, in a stable order. */
async function storedOrders(dataSource: DataSource) {
  const [customers, products, orders] = await Promise.all([
    dataSource.getRepository(Customer).find(),
    dataSource.getRepository(Product).find(),
    dataSource.getRepository(Order).find({ order: { reference: 'ASC' } }),
  ]);
  const customer = new Map(customers.map((c) => [c.id, c.name]));
  const product = new Map(products.map((p) => [p.id, p.name]));
  return orders.map((o) => ({
    reference: o.reference,
    customer: customer.get(o.customerId),
    product: product.get(o.productId),
    orderedOn: o.orderedOn,
    quantity: o.quantity,
    unitPriceCents: o.unitPriceCents,
  }));
}

describeEachDemoDatabase('demo data', (kind) => {
  let database: DemoDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createDemoDatabase(kind);
    dataSource = await new DataSource(database.options).initialize();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.dispose();
  });

  it('has a migration that matches the entities exactly', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('seeds the demo customers, products and orders', async () => {
    await seedDemoData(dataSource);

    const customers = await dataSource.getRepository(Customer).find({ order: { id: 'ASC' } });
    expect(customers.map((c) => c.name)).toEqual(['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark']);

    const products = await dataSource.getRepository(Product).find();
    expect(products).toHaveLength(DEMO_PRODUCTS.length);
    expect(new Set(products.map((p) => p.category))).toEqual(new Set(['Hardware', 'Software', 'Services']));
    for (const p of products) expect(p.priceCents).toBe(p.basePriceCents);

    // Deterministic: what is stored is exactly what the seeded generator yields, on any database.
    expect(await storedOrders(dataSource)).toEqual(generateDemoOrders());
  });

  it('leaves existing data alone when seeded again', async () => {
    const before = await storedOrders(dataSource);
    await seedDemoData(dataSource);
    await seedDemoData(dataSource);
    expect(await dataSource.getRepository(Customer).count()).toBe(DEMO_CUSTOMERS.length);
    expect(await dataSource.getRepository(Product).count()).toBe(DEMO_PRODUCTS.length);
    expect(await storedOrders(dataSource)).toEqual(before);
  });

  it('does not reseed a database whose demo data the user has changed', async () => {
    // TypeORM refuses delete({}); a query builder deletes every row on purpose.
    await dataSource.createQueryBuilder().delete().from(Order).execute();
    await dataSource.createQueryBuilder().delete().from(Product).execute();
    await dataSource.getRepository(Customer).delete({ name: 'Stark' });
    await seedDemoData(dataSource);
    expect(await dataSource.getRepository(Order).count()).toBe(0);
    expect(await dataSource.getRepository(Customer).count()).toBe(DEMO_CUSTOMERS.length - 1);
  });

  it('drops its tables when the migration is reverted', async () => {
    await dataSource.undoLastMigration();
    const runner = dataSource.createQueryRunner();
    try {
      for (const table of ['customers', 'products', 'orders']) expect(await runner.hasTable(table)).toBe(false);
    } finally {
      await runner.release();
    }
  });

  if (kind === 'postgres') {
    it('seeds once when two processes start together', async () => {
      const fresh = await createDemoDatabase(kind);
      const sources = [new DataSource(fresh.options), new DataSource(fresh.options)];
      try {
        // One after the other: the migrations themselves are not what is raced here.
        for (const source of sources) await source.initialize();
        await Promise.all(sources.map((source) => seedDemoData(source)));
        expect(await storedOrders(sources[0] as DataSource)).toEqual(generateDemoOrders());
      } finally {
        for (const source of sources) if (source.isInitialized) await source.destroy();
        await fresh.dispose();
      }
    });
  }
});
