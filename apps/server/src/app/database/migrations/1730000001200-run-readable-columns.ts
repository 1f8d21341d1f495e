import { MigrationInterface, QueryRunner } from 'typeorm';

import { quoted, runsTable } from './runs-table';

/** The new columns: who cancelled a run, and a scheduler's first rows (both JSON, null when none). */
const COLUMNS = ['cancelled_by', 'first_rows'];

/**
 * Columns that let people tell runs apart. A plain `ALTER TABLE … ADD COLUMN` on both databases:
 * the Table API's `addColumn` rebuilds the whole table on SQLite, which a large runs table should
 * not pay for nullable columns.
 */
export class RunReadableColumns1730000001200 implements MigrationInterface {
  name = 'RunReadableColumns1730000001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of COLUMNS) {
      await queryRunner.query(
        `ALTER TABLE ${runsTable(queryRunner)} ADD COLUMN ${quoted(queryRunner, column)} text NULL`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of [...COLUMNS].reverse()) {
      await queryRunner.query(`ALTER TABLE ${runsTable(queryRunner)} DROP COLUMN ${quoted(queryRunner, column)}`);
    }
  }
}
