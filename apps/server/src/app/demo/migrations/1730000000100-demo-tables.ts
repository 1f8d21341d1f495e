import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
} as const;

/**
 * The demo data's tables: customers, products and their orders. Written with the Table API so that
 * it runs on SQLite and PostgreSQL alike; names match the entities' so schema diffs stay empty.
 */
export class DemoTables1730000000100 implements MigrationInterface {
  name = 'DemoTables1730000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'customers',
        columns: [id, { name: 'name', type: 'varchar', length: '100' }],
        uniques: [new TableUnique({ name: 'uq_customers_name', columnNames: ['name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'category', type: 'varchar', length: '20' },
          { name: 'base_price_cents', type: 'integer' },
          { name: 'price_cents', type: 'integer' },
        ],
        uniques: [new TableUnique({ name: 'uq_products_name', columnNames: ['name'] })],
        indices: [new TableIndex({ name: 'idx_products_category', columnNames: ['category'] })],
      }),
    );
    // Foreign keys go into the CREATE TABLE: added afterwards, SQLite would rebuild the table.
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          id,
          { name: 'reference', type: 'varchar', length: '20' },
          { name: 'customer_id', type: 'integer' },
          { name: 'ordered_on', type: 'varchar', length: '10' },
          { name: 'product_id', type: 'integer' },
          { name: 'quantity', type: 'integer' },
          { name: 'unit_price_cents', type: 'integer' },
        ],
        uniques: [new TableUnique({ name: 'uq_orders_reference', columnNames: ['reference'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_orders_customer',
            columnNames: ['customer_id'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            name: 'fk_orders_product',
            columnNames: ['product_id'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
        indices: [
          new TableIndex({ name: 'idx_orders_customer_date', columnNames: ['customer_id', 'ordered_on'] }),
          new TableIndex({ name: 'idx_orders_product_date', columnNames: ['product_id', 'ordered_on'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('orders');
    await queryRunner.dropTable('products');
    await queryRunner.dropTable('customers');
  }
}
