import { MigrationInterface, QueryRunner } from 'typeorm';

import { quoted, runsTable } from './runs-table';

/**
 * `rerun_of`: the run a run repeats (`POST /api/runs/:id/rerun`); `stalled`: a running run without
 * progress for `ONWARD_STALL_WARNING_S`. Plain `ALTER TABLE … ADD COLUMN` on both databases, as for
 * the other columns: no table rebuild on SQLite.
 */
export class RunRerunOf1730000001300 implements MigrationInterface {
  name = 'RunRerunOf1730000001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${runsTable(queryRunner)} ADD COLUMN ${quoted(queryRunner, 'rerun_of')} varchar(36) NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE ${runsTable(queryRunner)} ADD COLUMN ${quoted(queryRunner, 'stalled')} boolean NOT NULL DEFAULT false`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${runsTable(queryRunner)} DROP COLUMN ${quoted(queryRunner, 'stalled')}`);
    await queryRunner.query(`ALTER TABLE ${runsTable(queryRunner)} DROP COLUMN ${quoted(queryRunner, 'rerun_of')}`);
  }
}
