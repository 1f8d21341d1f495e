import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

import { Customer } from './customer.entity';
import { Product } from './product.entity';

/**
 * One order line of the demo data. Dates are 'YYYY-MM-DD' strings: they sort and compare as text
 * the same way on SQLite and PostgreSQL, and a sales report needs no time of day.
 */
@Entity('orders')
@Unique('uq_orders_reference', ['reference'])
// A sales report reads one customer's orders of one year, in date order.
@Index('idx_orders_customer_date', ['customerId', 'orderedOn'])
// The price recalculation sums recent demand per product.
@Index('idx_orders_product_date', ['productId', 'orderedOn'])
export class Order {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The order number a customer would quote, e.g. `SO-2024-0042`. */
  @Column({ type: 'varchar', length: 20 })
  reference!: string;

  @Column({ name: 'customer_id', type: 'integer' })
  @ForeignKey(() => Customer, { name: 'fk_orders_customer', onDelete: 'CASCADE' })
  customerId!: number;

  @Column({ name: 'ordered_on', type: 'varchar', length: 10 })
  orderedOn!: string;

  @Column({ name: 'product_id', type: 'integer' })
  @ForeignKey(() => Product, { name: 'fk_orders_product', onDelete: 'RESTRICT' })
  productId!: number;

  @Column({ type: 'integer' })
  quantity!: number;

  /** The price actually charged per unit (list price less any volume discount), in cents. */
  @Column({ name: 'unit_price_cents', type: 'integer' })
  unitPriceCents!: number;
}
