import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

import { tablePath } from '../../database/table-path';
import { transaction } from '../../database/transaction';
import { Customer } from '../../demo/customer.entity';
import { Order } from '../../demo/order.entity';
import { Product } from '../../demo/product.entity';
import type { OrderInput } from './orders-csv-format';

/** Which orders an export takes. */
export interface OrderFilter {
  customerId?: number;
  year?: number;
}

/** One order as exported: ids, resolved to names by the caller from the small tables. */
export interface OrderRow {
  id: number;
  reference: string;
  customerId: number;
  productId: number;
  orderedOn: string;
  quantity: number;
  unitPriceCents: number;
}

/**
 * Orders written by one import, all or nothing: `add` as the file is read, then `commit`, or
 * `rollback` on a cancel or a failure (the orders stay as they were).
 */
export interface OrdersImportWriter {
  add(orders: OrderInput[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** The columns an import writes, each with the order's property it takes. */
const IMPORTED: readonly (readonly [column: string, property: keyof OrderInput])[] = [
  ['reference', 'reference'],
  ['customer_id', 'customerId'],
  ['ordered_on', 'orderedOn'],
  ['product_id', 'productId'],
  ['quantity', 'quantity'],
  ['unit_price_cents', 'unitPriceCents'],
];
const COLUMNS = IMPORTED.map(([column]) => column).join(', ');
/** What an existing reference takes from the imported row. */
const UPDATED = IMPORTED.map(([column]) => column).filter((column) => column !== 'reference');
const orderValues = (o: OrderInput): unknown[] => IMPORTED.map(([, property]) => o[property]);
const UPSERT = `ON CONFLICT (reference) DO UPDATE SET ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}`;

const num = (value: unknown): number => Number(value ?? 0);

/**
 * On PostgreSQL: one transaction on a connection of its own, each batch an upsert. A reference met
 * twice in one statement would fail it, so a batch keeps the later of the two (as a later statement would).
 * The statement is written here, not by TypeORM's InsertQueryBuilder: the builder copies its map of
 * named parameters for each of a batch's 6,000 values, which took more of an import's CPU than
 * parsing, checking and the database's answers together (`bench/README.md`, the files section).
 */
class PostgresImportWriter implements OrdersImportWriter {
  /** The last upsert built, by its number of rows: every full batch of an import shares one. */
  private last: { rows: number; sql: string } | null = null;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly table: string,
  ) {}

  static async start(dataSource: DataSource): Promise<PostgresImportWriter> {
    const table = tablePath(dataSource, Order);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new PostgresImportWriter(runner, table);
  }

  async add(orders: OrderInput[]): Promise<void> {
    if (orders.length === 0) return;
    const unique = [...new Map(orders.map((o) => [o.reference, o])).values()];
    await this.runner.query(this.upsertOf(unique.length), unique.flatMap(orderValues));
  }

  private upsertOf(rows: number): string {
    if (this.last?.rows !== rows) {
      const width = IMPORTED.length;
      const values = Array.from(
        { length: rows },
        (_, r) => `(${IMPORTED.map((_, c) => `$${r * width + c + 1}`).join(', ')})`,
      );
      this.last = { rows, sql: `INSERT INTO ${this.table} (${COLUMNS}) VALUES ${values.join(', ')} ${UPSERT}` };
    }
    return this.last.sql;
  }

  async commit(): Promise<void> {
    try {
      await this.runner.commitTransaction();
    } finally {
      await this.runner.release();
    }
  }

  async rollback(): Promise<void> {
    try {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.runner.release();
    }
  }
}

/**
 * On SQLite every query shares one connection with the run engine, whose writes (progress, a cancel)
 * wait while a transaction is open there. So the batches go to a temporary table of this import,
 * each in a short transaction, and the orders change in one statement at `commit`: all or nothing
 * still, while the run's progress and its cancel get through during the import.
 */
class SqliteImportWriter implements OrdersImportWriter {
  private constructor(
    private readonly manager: EntityManager,
    private readonly table: string,
  ) {}

  static async start(manager: EntityManager, name: string): Promise<SqliteImportWriter> {
    const table = `temp."onward_import_${name.replace(/[^A-Za-z0-9]/g, '_')}"`;
    await manager.query(`DROP TABLE IF EXISTS ${table}`);
    await manager.query(
      `CREATE TABLE ${table} (seq INTEGER PRIMARY KEY, reference TEXT NOT NULL, customer_id INTEGER NOT NULL, ` +
        'ordered_on TEXT NOT NULL, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_cents INTEGER NOT NULL)',
    );
    return new SqliteImportWriter(manager, table);
  }

  async add(orders: OrderInput[]): Promise<void> {
    if (orders.length === 0) return;
    const row = `(${IMPORTED.map(() => '?').join(', ')})`;
    const values = orders.map(() => row).join(', ');
    // A transaction of its own (serialised with the others), so that it never joins another one that may roll back.
    await transaction(this.manager, (tx) =>
      tx.query(`INSERT INTO ${this.table} (${COLUMNS}) VALUES ${values}`, orders.flatMap(orderValues)),
    );
  }

  async commit(): Promise<void> {
    // `WHERE true` lets SQLite tell the upsert clause from a join; rows in file order, so a later one wins.
    await transaction(this.manager, (tx) =>
      tx.query(
        `INSERT INTO orders (${COLUMNS}) SELECT ${COLUMNS} FROM ${this.table} WHERE true ORDER BY seq ${UPSERT}`,
      ),
    );
    await this.drop();
  }

  async rollback(): Promise<void> {
    await this.drop();
  }

  private async drop(): Promise<void> {
    await this.manager.query(`DROP TABLE IF EXISTS ${this.table}`);
  }
}

/** The orders queries of the import and export tasks; TypeORM access only, the logic is the handlers'. */
@Injectable()
export class DemoOrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every customer's id by name (a handful: loaded once per run). */
  async customerIds(): Promise<Map<string, number>> {
    const rows = await this.dataSource.getRepository(Customer).find({ select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  async productIds(): Promise<Map<string, number>> {
    const rows = await this.dataSource.getRepository(Product).find({ select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  /** Starts an import's writes; `name` makes its temporary table unique (the run id). */
  startImport(name: string): Promise<OrdersImportWriter> {
    return this.dataSource.options.type === 'postgres'
      ? PostgresImportWriter.start(this.dataSource)
      : SqliteImportWriter.start(this.dataSource.manager, name);
  }

  async count(filter: OrderFilter): Promise<number> {
    return this.filtered(filter).getCount();
  }

  /**
   * The next `limit` orders after id `afterId`, in id order: keyset pages, so each costs the same
   * however far the export is (never an OFFSET, never everything at once).
   */
  async page(filter: OrderFilter, afterId: number, limit: number): Promise<OrderRow[]> {
    const rows = await this.filtered(filter)
      .select('o.id', 'id')
      .addSelect('o.reference', 'reference')
      .addSelect('o.customerId', 'customerId')
      .addSelect('o.productId', 'productId')
      .addSelect('o.orderedOn', 'orderedOn')
      .addSelect('o.quantity', 'quantity')
      .addSelect('o.unitPriceCents', 'unitPriceCents')
      .andWhere('o.id > :afterId', { afterId })
      .orderBy('o.id')
      .limit(limit)
      .getRawMany<Record<keyof OrderRow, unknown>>();
    return rows.map((r) => ({
      id: num(r.id),
      reference: String(r.reference),
      customerId: num(r.customerId),
      productId: num(r.productId),
      orderedOn: String(r.orderedOn),
      quantity: num(r.quantity),
      unitPriceCents: num(r.unitPriceCents),
    }));
  }

  private filtered(filter: OrderFilter) {
    const query = this.dataSource.getRepository(Order).createQueryBuilder('o').where('1 = 1');
    if (filter.customerId !== undefined)
      query.andWhere('o.customerId = :customerId', { customerId: filter.customerId });
    if (filter.year !== undefined) {
      query.andWhere('o.orderedOn BETWEEN :from AND :to', { from: `${filter.year}-01-01`, to: `${filter.year}-12-31` });
    }
    return query;
  }
}
