import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { tablePath } from '../database/table-path';
import { transaction } from '../database/transaction';
import { Customer } from './customer.entity';
import { DEMO_CUSTOMERS, DEMO_PRODUCTS } from './demo-data.catalogue';
import { demoOrdersByYear } from './demo-data.generator';
import { DEFAULT_DEMO_ORDERS } from './demo-orders';
import { Order } from './order.entity';
import { Product } from './product.entity';

const ORDER_COLUMNS = ['reference', 'customer_id', 'product_id', 'ordered_on', 'quantity', 'unit_price_cents'];
/** SQLite's bound-parameter limit (SQLITE_MAX_VARIABLE_NUMBER, 32,766 since 3.32). */
const SQLITE_MAX_VARIABLES = 32_766;
/**
 * Rows per multi-row INSERT: 5,000 (30,000 parameters, under PostgreSQL's 65,535 and SQLite's
 * limit): a million orders are 200 statements in one transaction.
 */
const INSERT_BATCH = Math.min(5000, Math.floor(SQLITE_MAX_VARIABLES / ORDER_COLUMNS.length));
/** A log line every this many orders, so that a large seed shows it is moving. */
const LOG_EVERY = 100_000;

const logger = new Logger('DemoData');

/** Serialises seeding between processes starting together on one PostgreSQL ("onward demo" in ASCII). */
const SEED_LOCK_KEY = 0x6f6e776172640000n.toString();

async function idsByName(
  manager: EntityManager,
  entity: typeof Customer | typeof Product,
): Promise<Map<string, number>> {
  const rows = await manager
    .getRepository<{ id: number; name: string }>(entity)
    .find({ select: { id: true, name: true } });
  return new Map(rows.map((row) => [row.name, row.id]));
}

function lookUp(ids: Map<string, number>, name: string): number {
  const id = ids.get(name);
  if (id === undefined) throw new Error(`demo data: "${name}" was not stored`);
  return id;
}

async function insertAll(manager: EntityManager, count: number): Promise<number> {
  await manager.insert(
    Customer,
    DEMO_CUSTOMERS.map(({ name }) => ({ name })),
  );
  await manager.insert(
    Product,
    DEMO_PRODUCTS.map((p) => ({ ...p, priceCents: p.basePriceCents })),
  );
  // Read the ids back rather than trusting bulk-insert identifiers, which drivers report differently.
  const customers = await idsByName(manager, Customer);
  const products = await idsByName(manager, Product);
  const postgres = manager.connection.options.type === 'postgres';
  const table = tablePath(manager.connection, Order);
  const started = Date.now();
  let inserted = 0;
  let logged = 0;
  for (const year of demoOrdersByYear(count)) {
    for (let i = 0; i < year.length; i += INSERT_BATCH) {
      const batch = year.slice(i, i + INSERT_BATCH);
      // Plain SQL: TypeORM's insert() costs more per row than the database does at this size.
      const rows = batch.map((_, r) => {
        const at = r * ORDER_COLUMNS.length;
        const marks = ORDER_COLUMNS.map((_c, c) => (postgres ? `$${at + c + 1}` : '?'));
        return `(${marks.join(', ')})`;
      });
      const parameters = batch.flatMap((o) => [
        o.reference,
        lookUp(customers, o.customer),
        lookUp(products, o.product),
        o.orderedOn,
        o.quantity,
        o.unitPriceCents,
      ]);
      await manager.query(`INSERT INTO ${table} (${ORDER_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, parameters);
      inserted += batch.length;
      if (inserted - logged >= LOG_EVERY) {
        logged = inserted;
        logger.log(
          `Seeding demo orders: ${inserted} of about ${count} (${Math.round((Date.now() - started) / 1000)} s)`,
        );
      }
    }
  }
  return inserted;
}

/**
 * Seeds the demo customers, products and orders in one transaction, unless customers exist already
 * (so a restart, or data the user has changed, is left alone).
 */
export async function seedDemoData(dataSource: DataSource, orders = DEFAULT_DEMO_ORDERS): Promise<void> {
  try {
    const inserted = await transaction(dataSource.manager, async (manager) => {
      // The loser waits for the winner's commit, then finds the customers there.
      if (dataSource.options.type === 'postgres')
        await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      if ((await manager.count(Customer)) > 0) return null;
      return insertAll(manager, orders);
    });
    if (inserted !== null) {
      logger.log(`Seeded ${DEMO_CUSTOMERS.length} customers, ${DEMO_PRODUCTS.length} products, ${inserted} orders`);
    }
  } catch (error) {
    // A last resort if processes still race (another database): the loser's unique names clash, its
    // transaction rolls back, and the winner's data is what we wanted anyway.
    if ((await dataSource.getRepository(Customer).count()) > 0) return;
    throw error;
  }
}

/** Seeds the demo data at start-up; migrations have run by then (the DataSource runs them on init). */
@Injectable()
export class DemoDataSeeder implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await seedDemoData(this.dataSource, this.config.demoOrders);
  }
}
