import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { transaction } from '../../database/transaction';
import { Customer } from '../../demo/customer.entity';
import { Order } from '../../demo/order.entity';
import { Product } from '../../demo/product.entity';

/** One order line as a sales report prints it. */
export interface OrderLine {
  reference: string;
  orderedOn: string;
  product: string;
  quantity: number;
  unitPriceCents: number;
}

/** One customer's orders of one year, summed. */
export interface YearTotals {
  year: number;
  orders: number;
  units: number;
  revenueCents: number;
}

/** Drivers differ: PostgreSQL returns SUM and COUNT as strings (bigint), SQLite as numbers. */
const num = (value: unknown): number => Number(value ?? 0);

/** The demo data's queries for the built-in tasks; TypeORM access only, the logic is the handlers'. */
@Injectable()
export class DemoSalesRepository {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Product) private readonly products: Repository<Product>,
  ) {}

  /** Runs `work` in one transaction, with a repository whose queries take part in it. */
  transaction<T>(work: (repository: DemoSalesRepository) => Promise<T>): Promise<T> {
    return transaction(this.customers.manager, (manager) =>
      work(
        new DemoSalesRepository(
          manager.getRepository(Customer),
          manager.getRepository(Order),
          manager.getRepository(Product),
        ),
      ),
    );
  }

  /** The customer of that name, ignoring case (users type "acme" as often as "Acme"). */
  findCustomer(name: string): Promise<Customer | null> {
    return this.customers
      .createQueryBuilder('c')
      .where('LOWER(c.name) = LOWER(:name)', { name })
      .orderBy('c.id')
      .getOne();
  }

  /** The product categories that exist, in alphabetical order. */
  async categories(): Promise<string[]> {
    const rows = await this.products
      .createQueryBuilder('p')
      .select('DISTINCT p.category', 'category')
      .orderBy('category')
      .getRawMany<{ category: string }>();
    return rows.map((r) => r.category);
  }

  /** A customer's order lines of one calendar year, oldest first (served by idx_orders_customer_date). */
  async ordersOfYear(customerId: number, year: number): Promise<OrderLine[]> {
    const rows = await this.orders
      .createQueryBuilder('o')
      .innerJoin(Product, 'p', 'p.id = o.productId')
      .select('o.reference', 'reference')
      .addSelect('o.orderedOn', 'orderedOn')
      .addSelect('p.name', 'product')
      .addSelect('o.quantity', 'quantity')
      .addSelect('o.unitPriceCents', 'unitPriceCents')
      .where('o.customerId = :customerId', { customerId })
      .andWhere('o.orderedOn BETWEEN :from AND :to', { from: `${year}-01-01`, to: `${year}-12-31` })
      .orderBy('o.orderedOn')
      .addOrderBy('o.reference')
      .getRawMany<OrderLine>();
    return rows.map((r) => ({ ...r, quantity: num(r.quantity), unitPriceCents: num(r.unitPriceCents) }));
  }

  /** A customer's order count, units and revenue per year, oldest year first. */
  async yearlyTotals(customerId: number): Promise<YearTotals[]> {
    // SUBSTR and string dates: the same SQL on SQLite and PostgreSQL.
    const year = 'SUBSTR(o.orderedOn, 1, 4)';
    const rows = await this.orders
      .createQueryBuilder('o')
      .select(year, 'year')
      .addSelect('COUNT(*)', 'orders')
      .addSelect('SUM(o.quantity)', 'units')
      .addSelect('SUM(o.quantity * o.unitPriceCents)', 'revenueCents')
      .where('o.customerId = :customerId', { customerId })
      .groupBy(year)
      .orderBy(year)
      .getRawMany<Record<keyof YearTotals, unknown>>();
    return rows.map((r) => ({
      year: num(r.year),
      orders: num(r.orders),
      units: num(r.units),
      revenueCents: num(r.revenueCents),
    }));
  }

  /** The first and last order date of a category's products, or null when it has no orders. */
  async orderDateSpan(category: string): Promise<{ first: string; last: string } | null> {
    const row = await this.orders
      .createQueryBuilder('o')
      .innerJoin(Product, 'p', 'p.id = o.productId')
      .select('MIN(o.orderedOn)', 'first')
      .addSelect('MAX(o.orderedOn)', 'last')
      .where('p.category = :category', { category })
      .getRawOne<{ first: string | null; last: string | null }>();
    return row?.first && row.last ? { first: row.first, last: row.last } : null;
  }

  /** Units sold per product id of a category in the dates after `from` up to and including `to`. */
  async unitsSold(category: string, from: string, to: string): Promise<Map<number, number>> {
    const rows = await this.orders
      .createQueryBuilder('o')
      .innerJoin(Product, 'p', 'p.id = o.productId')
      .select('o.productId', 'productId')
      .addSelect('SUM(o.quantity)', 'units')
      .where('p.category = :category', { category })
      .andWhere('o.orderedOn > :from AND o.orderedOn <= :to', { from, to })
      .groupBy('o.productId')
      .getRawMany<{ productId: unknown; units: unknown }>();
    return new Map(rows.map((r) => [num(r.productId), num(r.units)]));
  }

  /** A category's products in id order: the order rows are locked in, so that two runs never deadlock. */
  productsOf(category: string): Promise<Product[]> {
    return this.products.find({ where: { category: category as Product['category'] }, order: { id: 'ASC' } });
  }

  /** Sets one product's price; returns the number of rows updated. */
  async setPrice(productId: number, priceCents: number): Promise<number> {
    const result = await this.products
      .createQueryBuilder()
      .update()
      .set({ priceCents })
      .where('id = :productId', { productId })
      .execute();
    return result.affected ?? 0;
  }
}
