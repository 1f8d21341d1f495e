import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Two partial indexes, small because they hold only the rows they serve: a user's queued top-level
 * runs (counted at every start against `ONWARD_MAX_QUEUED_PER_USER`), and finished top-level runs by
 * `finished_at` (what the retention sweep deletes, oldest first).
 */
export class RunLimitIndexes1730000000500 implements MigrationInterface {
  name = 'RunLimitIndexes1730000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'runs',
      new TableIndex({
        name: 'idx_runs_owner_queued',
        columnNames: ['owner_id'],
        where: "status = 'queued' AND parent_id IS NULL",
      }),
    );
    await queryRunner.createIndex(
      'runs',
      new TableIndex({
        name: 'idx_runs_top_finished',
        columnNames: ['finished_at'],
        where: 'parent_id IS NULL AND finished_at IS NOT NULL',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('runs', 'idx_runs_top_finished');
    await queryRunner.dropIndex('runs', 'idx_runs_owner_queued');
  }
}
