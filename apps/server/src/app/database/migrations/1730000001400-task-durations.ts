import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** How long each task's runs take: the history behind a run's `estimate`, one row per task. */
export class TaskDurations1730000001400 implements MigrationInterface {
  name = 'TaskDurations1730000001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'task_durations',
        columns: [
          { name: 'task', type: 'varchar', length: '100', isPrimary: true },
          { name: 'runs', type: 'integer' },
          { name: 'mean_ms', type: 'double precision' },
          { name: 'p90_ms', type: 'double precision' },
          { name: 'updated_at', type: 'varchar', length: '24' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('task_durations');
  }
}
