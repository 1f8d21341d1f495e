import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * User accounts an admin manages: a disabled flag (its tokens stop working), the time of the last
 * password change (tokens issued before it stop working) and the session that made it (whose token
 * goes on). Table API, for SQLite and PostgreSQL alike.
 */
export class UserAccounts1730000000300 implements MigrationInterface {
  name = 'UserAccounts1730000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'disabled', type: 'boolean', default: false }),
      new TableColumn({ name: 'password_changed_at', type: 'varchar', length: '24', isNullable: true }),
      new TableColumn({ name: 'password_session', type: 'varchar', length: '36', isNullable: true }),
    ]);
    // The start-up check for an enabled admin, and the users list, read by these.
    await queryRunner.createIndex('users', new TableIndex({ name: 'idx_users_disabled', columnNames: ['disabled'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('users', 'idx_users_disabled');
    await queryRunner.dropColumn('users', 'password_session');
    await queryRunner.dropColumn('users', 'password_changed_at');
    await queryRunner.dropColumn('users', 'disabled');
  }
}
