import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `rerun_of`: the run a run repeats (`POST /api/runs/:id/rerun`); `stalled`: a running run without
 * progress for `ONWARD_STALL_WARNING_S`. Plain `ALTER TABLE … ADD COLUMN` on both databases, as for
 * the other columns: no table rebuild on SQLite.
 */
export class RunRerunOf1730000001300 implements MigrationInterface {
  name = 'RunRerunOf1730000001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${this.runs(queryRunner)} ADD COLUMN ${this.column(queryRunner)} varchar(36) NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE ${this.runs(queryRunner)} ADD COLUMN ${this.column(queryRunner, 'stalled')} boolean NOT NULL DEFAULT false`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${this.runs(queryRunner)} DROP COLUMN ${this.column(queryRunner, 'stalled')}`);
    await queryRunner.query(`ALTER TABLE ${this.runs(queryRunner)} DROP COLUMN ${this.column(queryRunner)}`);
  }

  private runs(queryRunner: QueryRunner): string {
    const driver = queryRunner.connection.driver;
    const schema = driver.options.type === 'postgres' ? driver.schema : undefined;
    return schema ? `${driver.escape(schema)}.${driver.escape('runs')}` : driver.escape('runs');
  }

  private column(queryRunner: QueryRunner, name = 'rerun_of'): string {
    return queryRunner.connection.driver.escape(name);
  }
}
