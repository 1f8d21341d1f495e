import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `queue_told`: the queue place a queued run was last told (its start's answer, or a pushed move), as
 * `position:reason`. Several API processes read the same queue; a moved place is pushed only by the
 * one whose compare-and-set on this column changed the row, so it is pushed once. Null: never told.
 */
export class RunQueueTold1730000001600 implements MigrationInterface {
  name = 'RunQueueTold1730000001600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${this.runs(queryRunner)} ADD COLUMN ${this.column(queryRunner)} varchar(24)`);
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
    return queryRunner.connection.driver.escape('queue_told');
  }
}
