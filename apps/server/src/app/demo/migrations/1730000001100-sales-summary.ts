import { MigrationInterface, QueryRunner } from 'typeorm';

/** The schema the demo tables live in (`DATABASE_URL`'s `?schema=`, else public). */
function schemaOf(queryRunner: QueryRunner): string {
  const options = queryRunner.connection.options as { schema?: string };
  return `"${(options.schema ?? 'public').replace(/"/g, '""')}"`;
}

/**
 * PostgreSQL: the yearly sales summary and `rebuild_sales_summary(p_year)`, the procedure behind the
 * built-in `rebuild-sales-summary` task. It rebuilds one year month by month (12 chunks), reporting
 * each through `onward.progress`, in one transaction: a cancel or an error leaves the summary as it
 * was. Nothing on SQLite, where the task is not in the catalogue.
 */
export class SalesSummary1730000001100 implements MigrationInterface {
  name = 'SalesSummary1730000001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.sales_summary (
        year integer NOT NULL,
        month integer NOT NULL,
        customer_id integer NOT NULL REFERENCES ${s}.customers (id) ON DELETE CASCADE,
        product_id integer NOT NULL REFERENCES ${s}.products (id) ON DELETE CASCADE,
        orders integer NOT NULL,
        quantity integer NOT NULL,
        revenue_cents bigint NOT NULL,
        PRIMARY KEY (year, month, customer_id, product_id)
      )`);
    await queryRunner.query(`
      CREATE PROCEDURE ${s}.rebuild_sales_summary(p_year integer, INOUT rows_written integer DEFAULT NULL)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_month integer;
        v_from text;
        v_to text;
        v_rows integer;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM ${s}.orders WHERE ordered_on LIKE p_year || '-%') THEN
          RAISE EXCEPTION 'Year % has no orders', p_year
            USING DETAIL = 'The summary is built from the orders of one year.',
                  HINT = 'Choose a year with orders.';
        END IF;
        DELETE FROM ${s}.sales_summary WHERE year = p_year;
        rows_written := 0;
        FOR v_month IN 1..12 LOOP
          v_from := to_char(make_date(p_year, v_month, 1), 'YYYY-MM-DD');
          v_to := to_char(make_date(p_year, v_month, 1) + interval '1 month', 'YYYY-MM-DD');
          INSERT INTO ${s}.sales_summary (year, month, customer_id, product_id, orders, quantity, revenue_cents)
          SELECT p_year, v_month, o.customer_id, o.product_id, count(*), sum(o.quantity),
                 sum(o.quantity::bigint * o.unit_price_cents)
            FROM ${s}.orders o
           WHERE o.ordered_on >= v_from AND o.ordered_on < v_to
           GROUP BY o.customer_id, o.product_id;
          GET DIAGNOSTICS v_rows = ROW_COUNT;
          rows_written := rows_written + v_rows;
          CALL onward.progress(v_month * 100.0 / 12, format('Chunk %s of 12', v_month));
        END LOOP;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP PROCEDURE IF EXISTS ${s}.rebuild_sales_summary(integer, integer)`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.sales_summary`);
  }
}
