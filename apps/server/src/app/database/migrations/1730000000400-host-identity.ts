import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Columns that hold a user id: a host's id claim (`ONWARD_AUTH=jwt`) may be longer than a UUID. */
const USER_ID_COLUMNS: [table: string, column: string][] = [
  ['users', 'id'],
  ['runs', 'owner_id'],
  ['run_deletions', 'owner_id'],
];

/**
 * The host application's users: no password, and ids of up to 255 characters. SQLite does not
 * enforce varchar lengths, so only PostgreSQL widens the id columns; there, with `ALTER … TYPE` and
 * not the Table API's `changeColumn`, which drops and re-adds a column whose length changes.
 */
export class HostIdentity1730000000400 implements MigrationInterface {
  name = 'HostIdentity1730000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.setPasswordNullable(queryRunner, true);
    await this.setIdLength(queryRunner, 255);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.setIdLength(queryRunner, 36);
    await this.setPasswordNullable(queryRunner, false);
  }

  private async setPasswordNullable(queryRunner: QueryRunner, isNullable: boolean): Promise<void> {
    const column = { name: 'password_hash', type: 'varchar', length: '300' };
    await queryRunner.changeColumn(
      'users',
      new TableColumn({ ...column, isNullable: !isNullable }),
      new TableColumn({ ...column, isNullable }),
    );
  }

  private async setIdLength(queryRunner: QueryRunner, length: number): Promise<void> {
    if (queryRunner.connection.driver.options.type !== 'postgres') return;
    const schema = queryRunner.connection.driver.schema;
    const escape = (name: string): string => queryRunner.connection.driver.escape(name);
    for (const [table, column] of USER_ID_COLUMNS) {
      const path = schema ? `${escape(schema)}.${escape(table)}` : escape(table);
      await queryRunner.query(`ALTER TABLE ${path} ALTER COLUMN ${escape(column)} TYPE varchar(${length})`);
    }
  }
}
