import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who cancelled a run (JSON, null when nobody did). A plain `ALTER TABLE … ADD COLUMN` on both
 * databases: the Table API's `addColumn` rebuilds the whole table on SQLite, which a large runs
 * table should not pay for a nullable column.
 */
export class RunCancelledBy1730000000600 implements MigrationInterface {
  name = 'RunCancelledBy1730000000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${this.runs(queryRunner)} ADD COLUMN ${this.column(queryRunner)} text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${this.runs(queryRunner)} DROP COLUMN ${this.column(queryRunner)}`);
  }

  private runs(queryRunner: QueryRunner): string {
    const driver = queryRunner.connection.driver;
    const schema = driver.options.type === 'postgres' ? driver.schema : undefined;
    return schema ? `${driver.escape(schema)}.${driver.escape('runs')}` : driver.escape('runs');
  }

  private column(queryRunner: QueryRunner): string {
    return queryRunner.connection.driver.escape('cancelled_by');
  }
}
