import { MigrationInterface, QueryRunner } from 'typeorm';

import { quoted, runsTable } from './runs-table';

/**
 * `locale`: the language a run writes its messages in, negotiated from the starting request's
 * `Accept-Language` ('en' or 'nl'); the runs stored before it are English. A plain `ADD COLUMN` on
 * both databases, as for the other columns.
 */
export class RunLocale1730000001500 implements MigrationInterface {
  name = 'RunLocale1730000001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${runsTable(queryRunner)} ADD COLUMN ${quoted(queryRunner, 'locale')} varchar(8) NOT NULL DEFAULT 'en'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${runsTable(queryRunner)} DROP COLUMN ${quoted(queryRunner, 'locale')}`);
  }
}
