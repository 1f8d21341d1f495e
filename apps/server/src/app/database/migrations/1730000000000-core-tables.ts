import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Users and runs. Written with the Table API so that it runs on SQLite and PostgreSQL alike. */
export class CoreTables1730000000000 implements MigrationInterface {
  name = 'CoreTables1730000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '100', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '200' },
          { name: 'roles', type: 'text' },
          { name: 'password_hash', type: 'varchar', length: '300' },
          { name: 'created_at', type: 'varchar', length: '24' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'runs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'task', type: 'varchar', length: '100' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'kind', type: 'varchar', length: '10' },
          { name: 'owner_id', type: 'varchar', length: '36' },
          { name: 'owner_username', type: 'varchar', length: '100' },
          { name: 'mode', type: 'varchar', length: '12' },
          { name: 'status', type: 'varchar', length: '12' },
          { name: 'parameters', type: 'text' },
          { name: 'display', type: 'text' },
          { name: 'progress_percent', type: 'real', isNullable: true },
          { name: 'progress_message', type: 'varchar', length: '500', isNullable: true },
          { name: 'result', type: 'text', isNullable: true },
          { name: 'error_message', type: 'text', isNullable: true },
          { name: 'error_details', type: 'text', isNullable: true },
          { name: 'parent_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'position', type: 'integer', isNullable: true },
          { name: 'scheduler', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '24' },
          { name: 'started_at', type: 'varchar', length: '24', isNullable: true },
          { name: 'finished_at', type: 'varchar', length: '24', isNullable: true },
          { name: 'version', type: 'integer' },
          { name: 'attempts', type: 'integer', default: 0 },
        ],
      }),
    );
    await queryRunner.createIndices('runs', [
      new TableIndex({ name: 'idx_runs_owner_list', columnNames: ['owner_id', 'parent_id', 'created_at'] }),
      new TableIndex({ name: 'idx_runs_list', columnNames: ['parent_id', 'created_at'] }),
      new TableIndex({ name: 'idx_runs_status', columnNames: ['status'] }),
      new TableIndex({ name: 'idx_runs_parent_position', columnNames: ['parent_id', 'position'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('runs');
    await queryRunner.dropTable('users');
  }
}
