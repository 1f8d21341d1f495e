import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `locale`: the language a run writes its messages in, negotiated from the starting request's
 * `Accept-Language` ('en' or 'nl'); the runs stored before it are English. A plain `ADD COLUMN` on
 * both databases, as for the other columns.
 */
export class RunLocale1730000001500 implements MigrationInterface {
  name = 'RunLocale1730000001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${this.runs(queryRunner)} ADD COLUMN ${this.column(queryRunner)} varchar(8) NOT NULL DEFAULT 'en'`,
    );
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
    return queryRunner.connection.driver.escape('locale');
  }
}
