import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The demo product categories; `recalculate-prices` works one of them. */
export const PRODUCT_CATEGORIES = ['Hardware', 'Software', 'Services'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/** A product of the demo catalogue. Money is integer cents: exact on SQLite and PostgreSQL alike. */
@Entity('products')
@Unique('uq_products_name', ['name'])
@Index('idx_products_category', ['category'])
export class Product {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  category!: ProductCategory;

  /** The list price the demand-based recalculation starts from; never changed by it. */
  @Column({ name: 'base_price_cents', type: 'integer' })
  basePriceCents!: number;

  /** The current price, as last set by `recalculate-prices`. */
  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;
}
