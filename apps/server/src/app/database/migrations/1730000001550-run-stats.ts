import { MigrationInterface, QueryRunner, Table, type TableColumnOptions } from 'typeorm';

/** The column names of the duration histogram (stats/duration-histogram.ts), frozen with this migration. */
const HISTOGRAM = Array.from({ length: 48 }, (_, i) => `d${i}`);

const count = (name: string): TableColumnOptions => ({ name, type: 'integer', default: 0 });

const rollup = (name: string, time: string): Table =>
  new Table({
    name,
    columns: [
      { name: time, type: 'integer', isPrimary: true },
      { name: 'task', type: 'varchar', length: '100', isPrimary: true },
      count('started'),
      count('completed'),
      count('failed'),
      count('cancelled'),
      ...HISTOGRAM.map(count),
    ],
  });

/**
 * The admin dashboard's rollups, kept by the engine as runs start and finish (never computed from the
 * runs table): counts and a duration histogram per minute and task, the same per hour (what the 24 h
 * and 7 d windows read), and each task's error messages counted per hour.
 */
export class RunStats1730000001550 implements MigrationInterface {
  name = 'RunStats1730000001550';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(rollup('run_stats_minutes', 'minute'));
    await queryRunner.createTable(rollup('run_stats_hours', 'hour'));
    await queryRunner.createTable(
      new Table({
        name: 'run_stats_errors',
        columns: [
          { name: 'hour', type: 'integer', isPrimary: true },
          { name: 'task', type: 'varchar', length: '100', isPrimary: true },
          { name: 'message', type: 'varchar', length: '200', isPrimary: true },
          count('count'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('run_stats_errors');
    await queryRunner.dropTable('run_stats_hours');
    await queryRunner.dropTable('run_stats_minutes');
  }
}
