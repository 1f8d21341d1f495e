import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { ProcedureRunner } from './procedure-runner';

const POSTGRES_URL = process.env['ONWARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

// The start-up check against the real PostgreSQL's pg_proc: a declaration that does not fit its
// procedure stops the server with a message naming the task and the argument.
describe('ProcedureRunner at start (PostgreSQL)', () => {
  const schema = `onward_proc_${randomBytes(4).toString('hex')}`;
  let admin: Client;
  let dataSource: DataSource;

  beforeAll(async () => {
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(
      `CREATE PROCEDURE ${schema}.fits(p_year integer, INOUT total integer DEFAULT NULL) LANGUAGE sql AS $$ SELECT 1 $$`,
    );
    await admin.query(
      `CREATE FUNCTION ${schema}.not_a_procedure(p_year integer) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$`,
    );
    dataSource = await new DataSource({ type: 'postgres', url: POSTGRES_URL, schema }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  function runner(procedure: string, type: 'integer' | 'string' = 'integer'): ProcedureRunner {
    const procedures = new ProcedureRunner(dataSource);
    procedures.declare({
      id: 'yearly',
      title: 'Yearly',
      kind: 'task',
      awaitResult: 'no',
      background: true,
      parameters: [{ name: 'year', label: 'Year', type, required: true }],
      displayParameters: [],
      procedure,
    });
    return procedures;
  }

  it('starts when the procedure fits', async () => {
    await expect(runner('fits').onApplicationBootstrap()).resolves.toBeUndefined();
    await expect(runner(`${schema}.fits`).onApplicationBootstrap()).resolves.toBeUndefined();
  });

  it.each([
    ['missing', 'no such procedure in the database'],
    ['not_a_procedure', 'it is a function, not a procedure (CREATE PROCEDURE)'],
  ])('stops for %s', async (procedure, reason) => {
    await expect(runner(procedure).onApplicationBootstrap()).rejects.toThrow(
      `Task "yearly" (procedure ${procedure}): ${reason}`,
    );
  });

  it('stops naming the argument whose type does not fit', async () => {
    await expect(runner('fits', 'string').onApplicationBootstrap()).rejects.toThrow(
      'Task "yearly" (procedure fits): argument "p_year" is integer, which a string parameter ("year") does not fit',
    );
  });
});
