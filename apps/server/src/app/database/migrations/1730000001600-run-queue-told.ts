import { MigrationInterface, QueryRunner } from 'typeorm';

import { quoted, runsTable } from './runs-table';

/**
 * `queue_told`: the queue place a queued run was last told (its start's answer, or a pushed move), as
 * `position:reason`. Several API processes read the same queue; a moved place is pushed only by the
 * one whose compare-and-set on this column changed the row, so it is pushed once. Null: never told.
 */
export class RunQueueTold1730000001600 implements MigrationInterface {
  name = 'RunQueueTold1730000001600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${runsTable(queryRunner)} ADD COLUMN ${quoted(queryRunner, 'queue_told')} varchar(24)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${runsTable(queryRunner)} DROP COLUMN ${quoted(queryRunner, 'queue_told')}`);
  }
}
