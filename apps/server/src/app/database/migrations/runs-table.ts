import type { QueryRunner } from 'typeorm';

/** The runs table as an `ALTER TABLE` names it: quoted, and in its schema on PostgreSQL. */
export function runsTable(queryRunner: QueryRunner): string {
  const driver = queryRunner.connection.driver;
  const schema = driver.options.type === 'postgres' ? driver.schema : undefined;
  return schema ? `${driver.escape(schema)}.${driver.escape('runs')}` : driver.escape('runs');
}

/** A column name quoted for the connection's database. */
export function quoted(queryRunner: QueryRunner, name: string): string {
  return queryRunner.connection.driver.escape(name);
}
