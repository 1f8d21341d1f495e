import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Client, DatabaseError } from 'pg';
import { DataSource } from 'typeorm';

import { POSTGRES_URL } from '../../../../test/support/databases';
import { describeNeeding } from '../../../../test/support/services';
import { recordingContext } from '../builtin/builtin-tasks.testing';
import { callMark, ProcedureRunner } from './procedure-runner';
import type { ProcedureTaskOptions } from './procedure-task';

// The start-up check against the real PostgreSQL's pg_proc: a declaration that does not fit its
// procedure stops the server with a message naming the task and the argument.
describeNeeding(['postgres'], 'ProcedureRunner at start (PostgreSQL)', () => {
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

// A run's CALL on the real PostgreSQL, with a TaskContext of the test's own: the cancel, and the
// schema of Onward's tables (`?schema=`) as the procedures' search path.
describeNeeding(['postgres'], 'ProcedureRunner.call (PostgreSQL)', () => {
  const schema = `onward_call_${randomBytes(4).toString('hex')}`;
  let admin: Client;
  let dataSource: DataSource;
  let procedures: ProcedureRunner;
  /** The `pg_cancel_backend` statements the runner sent, and how many of the next ones to drop. */
  let cancels = 0;
  let dropCancels = 0;

  const task = (id: string, procedure: string): ProcedureTaskOptions => ({
    id,
    title: id,
    kind: 'task',
    awaitResult: 'no',
    background: true,
    parameters: [],
    displayParameters: [],
    procedure,
  });
  const slow = task('slow', 'slow_insert');
  const counting = task('counting', 'count_calls');

  /** A run's context, and the controller of its signal (the run's cancel). */
  const run = () => recordingContext({}, tmpdir());

  const rows = async (): Promise<number> =>
    Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.calls`)).rows[0].n);
  const backendsOf = async (runId: string): Promise<number> =>
    (
      await admin.query("SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'", [
        `${callMark(runId)}%`,
      ])
    ).rowCount ?? 0;

  beforeAll(async () => {
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.calls (n integer)`);
    // Unqualified names: found through the search path of the procedure connections.
    await admin.query(
      `CREATE PROCEDURE ${schema}.slow_insert() LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO calls VALUES (1); PERFORM pg_sleep(60); END $$`,
    );
    await admin.query(
      `CREATE PROCEDURE ${schema}.count_calls(INOUT n bigint DEFAULT NULL) LANGUAGE plpgsql AS $$
       BEGIN SELECT count(*) INTO n FROM calls; END $$`,
    );
    dataSource = await new DataSource({ type: 'postgres', url: POSTGRES_URL, schema }).initialize();
    const query = dataSource.query.bind(dataSource);
    // Fault injection: a cancel can be lost (sent before the backend executes the CALL, or failing
    // on its own connection); the test drops the next `dropCancels` ones before they leave.
    jest.spyOn(dataSource, 'query').mockImplementation(async (...args: Parameters<DataSource['query']>) => {
      if (args[0].includes('pg_cancel_backend')) {
        cancels++;
        if (dropCancels > 0) {
          dropCancels--;
          return [{ pg_cancel_backend: false }];
        }
      }
      return query(...args);
    });
    procedures = new ProcedureRunner(dataSource);
    procedures.declare(slow);
    procedures.declare(counting);
    await procedures.onApplicationBootstrap();
  });
  beforeEach(async () => {
    cancels = 0;
    dropCancels = 0;
    await admin.query(`TRUNCATE ${schema}.calls`);
  });
  afterAll(async () => {
    await procedures?.onApplicationShutdown();
    await dataSource?.destroy();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it("finds a procedure's unqualified names in the schema of Onward's tables", async () => {
    await admin.query(`INSERT INTO ${schema}.calls VALUES (1), (2)`);
    await expect(procedures.call(counting, run().ctx)).resolves.toEqual({ n: '2' });
  });

  it('does not make the CALL of a run cancelled before it', async () => {
    const { ctx, controller } = run();
    controller.abort(new Error('cancelled'));
    await expect(procedures.call(slow, ctx)).rejects.toThrow('cancelled');
    expect(await backendsOf(ctx.runId)).toBe(0);
    expect(await rows()).toBe(0);
    expect(cancels).toBe(0);
    // The connection went back usable: the next CALL on the pool runs.
    await expect(procedures.call(counting, run().ctx)).resolves.toEqual({ n: '0' });
  });

  it('sends a lost cancel again until the CALL has stopped, and the CALL rolls back', async () => {
    const { ctx, controller } = run();
    const call = procedures.call(slow, ctx);
    call.catch(() => undefined);
    while ((await backendsOf(ctx.runId)) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    dropCancels = 1;
    controller.abort(new Error('cancelled'));
    const error: unknown = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('57014'); // query_canceled
    expect(cancels).toBeGreaterThanOrEqual(2);
    expect(await backendsOf(ctx.runId)).toBe(0);
    expect(await rows()).toBe(0);
  }, 20_000);
});
