import { MigrationInterface, QueryRunner } from 'typeorm';

import { PROGRESS_HINT } from '../../tasks/procedures/progress-notice';

/**
 * PostgreSQL: `CALL onward.progress(percent, message)`, which a stored-procedure task calls to report
 * progress. It raises a NOTICE (not a NOTIFY, which is only delivered at commit) that Onward reads on
 * the procedure's connection while its transaction is still open. One `onward` schema per database,
 * shared by every Onward schema in it (the body depends on none of them). Nothing on SQLite.
 */
export class OnwardProgress1730000001000 implements MigrationInterface {
  name = 'OnwardProgress1730000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    // Installations (and test schemas) of one database may migrate at once; this is their one shared object.
    await queryRunner.query('SELECT pg_advisory_xact_lock(7260715)');
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS onward');
    await queryRunner.query('GRANT USAGE ON SCHEMA onward TO PUBLIC');
    await queryRunner.query(`
      CREATE OR REPLACE PROCEDURE onward.progress(percent numeric, message text DEFAULT NULL)
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE NOTICE USING MESSAGE = json_build_object('percent', percent, 'message', message)::text,
                           HINT = '${PROGRESS_HINT}';
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    // Other Onward schemas of this database may still call it: the schema stays, the procedure too.
  }
}
