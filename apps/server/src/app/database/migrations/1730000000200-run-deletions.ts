import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Deleted runs, kept for a day, for API processes that lost Redis while they were deleted. */
export class RunDeletions1730000000200 implements MigrationInterface {
  name = 'RunDeletions1730000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'run_deletions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'owner_id', type: 'varchar', length: '36' },
          { name: 'deleted_at', type: 'varchar', length: '24' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'run_deletions',
      new TableIndex({ name: 'idx_run_deletions_deleted_at', columnNames: ['deleted_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('run_deletions');
  }
}
