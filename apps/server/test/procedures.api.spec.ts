import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import { Api, pollUntil, type StartRunBody } from './support/api';
import type { Parameters, RunView } from './support/contract';
import {
  type DatabaseKind,
  POSTGRES_URL,
  describeEachDatabase,
  dropSchema,
  postgresQuery,
  postgresUrlWithSchema,
  uniqueSchemaName,
} from './support/databases';
import { ensureBuiltServer, ServerProcess, startExpectingExit } from './support/process';
import { describeNeeding } from './support/services';
import { useServer } from './support/server';
import { connectRuns, type RunsSocket } from './support/sockets';

// Stored procedures as tasks (API.md "Stored procedures"), on the real PostgreSQL: progress from
// NOTICEs while the procedure's transaction is open, a cancel that stops the backend and rolls the
// transaction back, a time limit, RAISE EXCEPTION as the run's error, and the built-in
// rebuild-sales-summary. The `bench-procedure-*` tasks (ONWARD_BENCH_TASKS) call
// `bench_procedure_steps(p_steps, p_step_seconds, p_tag, p_fail_at)`, which logs a row per step in
// its one transaction and reports "Step i of n".

const steps = (tag: string, count: number, seconds: number, extra: Parameters = {}): StartRunBody => ({
  task: 'bench-procedure-steps',
  parameters: { steps: count, step_seconds: seconds, tag, ...extra },
});

describeEachDatabase('stored procedures as tasks', (db: DatabaseKind) => {
  const server = useServer(db, { ONWARD_BENCH_TASKS: 'true' });
  let alice: Api;
  let socket: RunsSocket;
  let pg: Client;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    socket = await connectRuns(server.url, alice.token as string);
    if (db !== 'sqlite') {
      pg = new Client({ connectionString: POSTGRES_URL });
      await pg.connect();
    }
  });
  afterAll(async () => {
    socket?.close();
    await pg?.end();
  });

  const finished = (id: string): Promise<RunView> =>
    socket.waitFor<RunView>(
      'run.updated',
      (r) => r.id === id && ['completed', 'failed', 'cancelled'].includes(r.status),
      30_000,
    );

  /** Backends still running a run's CALL (marked by the comment at its head). */
  async function backendsOf(id: string): Promise<number> {
    const { rows } = await pg.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND state <> 'idle'",
      [`/* onward run ${id} */%`],
    );
    return Number(rows[0].n);
  }

  async function loggedSteps(tag: string): Promise<number> {
    const { rows } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${server.schema}".bench_procedure_log WHERE run = $1`,
      [tag],
    );
    return Number(rows[0].n);
  }

  if (db === 'sqlite') {
    it('leaves procedure tasks out of the catalogue on SQLite', async () => {
      const res = await alice.get('/api/tasks').expect(200);
      const ids = (res.body as { id: string }[]).map((t) => t.id);
      expect(ids).toContain('sales-report');
      expect(ids).not.toContain('rebuild-sales-summary');
      expect(ids).not.toContain('bench-procedure-steps');
      await alice.post('/api/runs', { task: 'rebuild-sales-summary', parameters: { year: 2025 } }).expect(404);
    });

    it('says once in the start log that it left them out', async () => {
      ensureBuiltServer();
      const dataDir = mkdtempSync(join(tmpdir(), 'onward-procedures-'));
      let started: ServerProcess | undefined;
      try {
        started = await ServerProcess.start({
          ONWARD_DATA_DIR: dataDir,
          ONWARD_LOG_FORMAT: 'json',
          ONWARD_BENCH_TASKS: 'true',
        });
        await started.stop();
        const messages = started.logEntries.map((entry) => entry['msg']);
        const prefix = 'Stored-procedure tasks need PostgreSQL; left out of the catalogue: ';
        const lines = messages.filter((m): m is string => typeof m === 'string' && m.includes('need PostgreSQL'));
        expect(lines).toHaveLength(1);
        expect(lines[0].startsWith(prefix)).toBe(true);
        expect(lines[0].slice(prefix.length).split(', ').sort()).toEqual(
          [
            'bench-procedure-clock',
            'bench-procedure-noop',
            'bench-procedure-retried',
            'bench-procedure-steps',
            'bench-procedure-timeout',
            'rebuild-sales-summary',
          ].sort(),
        );
      } finally {
        await started?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 360_000);
    return;
  }

  it('lists rebuild-sales-summary as the contract declares it', async () => {
    const res = await alice.get('/api/tasks').expect(200);
    const task = (res.body as { id: string }[]).find((t) => t.id === 'rebuild-sales-summary');
    expect(task).toMatchObject({
      kind: 'task',
      awaitResult: 'no',
      background: true,
      displayParameters: ['year'],
      parameters: [expect.objectContaining({ name: 'year', type: 'integer', required: true })],
    });
  });

  it('reports progress from SQL while the transaction is open, and returns the INOUT arguments', async () => {
    const run = await alice.startRun(steps('progress', 5, 0.3));
    const end = await finished(run.id);
    expect(end.status).toBe('completed');
    expect(end.result).toEqual({ type: 'value', value: { steps_done: 5 } });
    const percents = socket.events
      .filter((e) => e.name === 'run.updated')
      .map((e) => e.payload as RunView)
      .filter((r) => r.id === run.id && r.status === 'running' && r.progress.percent !== null)
      .map((r) => r.progress.percent);
    expect(new Set(percents).size).toBeGreaterThanOrEqual(3);
    // The NOTICE "step i begins" is not progress: every message is the procedure's own progress.
    const messages = socket.events
      .map((e) => e.payload as RunView)
      .filter((r) => r.id === run.id && r.progress?.message)
      .map((r) => r.progress.message);
    expect(messages.every((m) => /^Step \d of 5$/.test(m as string))).toBe(true);
    expect(end.progress.message).toBe('Step 5 of 5');
  });

  it('rebuilds the sales summary of a year, chunk by chunk', async () => {
    const run = await alice.startRun({ task: 'rebuild-sales-summary', parameters: { year: 2025 } });
    const end = await finished(run.id);
    expect(end.status).toBe('completed');
    expect(end.progress.message).toBe('Chunk 12 of 12');
    const { rows } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${server.schema}".sales_summary WHERE year = 2025`,
    );
    expect(end.result).toEqual({ type: 'value', value: { rows_written: Number(rows[0].n) } });
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });

  it('completes a procedure without INOUT or OUT arguments with the value null', async () => {
    const run = await alice.startRun({ task: 'bench-procedure-noop', parameters: {} });
    expect((await finished(run.id)).status).toBe('completed');
    const res = await alice.get(`/api/runs/${run.id}`).expect(200);
    expect((res.body as RunView).result).toEqual({ type: 'value', value: null });
    const value = await alice.get(`/api/runs/${run.id}/result`).expect(200);
    expect(value.text).toBe('null');
  });

  it('fails with the exception of RAISE EXCEPTION, its SQLSTATE, DETAIL, HINT and CONTEXT as details', async () => {
    const run = await alice.startRun(steps('raise', 3, 0, { fail_at: 2 }));
    const end = await finished(run.id);
    expect(end.status).toBe('failed');
    expect(end.error?.message).toBe('Step 2 of 3 failed');
    const lines = (end.error?.details ?? '').split('\n');
    expect(lines[0]).toBe('SQLSTATE: P0001');
    expect(lines).toContain('DETAIL: Tag raise');
    expect(lines).toContain('HINT: Run it with another p_fail_at.');
    expect(lines.some((l) => l.startsWith('CONTEXT: PL/pgSQL'))).toBe(true);
    expect(await loggedSteps('raise')).toBe(0);

    const summary = await alice.startRun({ task: 'rebuild-sales-summary', parameters: { year: 2019 } });
    expect((await finished(summary.id)).error?.message).toBe('Year 2019 has no orders');
  });

  it('fails a procedure over its time limit with "Timed out after N s"', async () => {
    const run = await alice.startRun({
      task: 'bench-procedure-timeout',
      parameters: { steps: 10, step_seconds: 0.5, tag: 'timeout' },
    });
    const end = await finished(run.id);
    expect(end.status).toBe('failed');
    expect(end.error?.message).toBe('Timed out after 1 s');
    expect(await loggedSteps('timeout')).toBe(0);
  });

  it.each([
    ['in the middle of a statement (pg_sleep)', 'mid-statement', 2, 30],
    ['between statements of its loop', 'mid-loop', 400, 0.02],
  ])('stops the backend on a cancel %s and rolls its transaction back', async (_, tag, count, seconds) => {
    const run = await alice.startRun(steps(tag, count, seconds));
    // Running in SQL: its backend is busy, and (mid-loop) it has reported progress.
    await pollUntil(
      () => backendsOf(run.id),
      (n) => n === 1,
      20_000,
      'its backend running the CALL',
    );
    if (count > 2) {
      await socket.waitFor<RunView>('run.updated', (r) => r.id === run.id && (r.progress.percent ?? 0) >= 5);
    }
    await alice.post(`/api/runs/${run.id}/cancel`).expect(202);
    const end = await finished(run.id);
    expect(end.status).toBe('cancelled');
    // Cancelled means the CALL has returned: no backend works on it a second later.
    await pollUntil(
      () => backendsOf(run.id),
      (n) => n === 0,
      1_000,
      'no backend running the CALL',
    );
    expect(await loggedSteps(tag)).toBe(0);

    // The pool's connections are clean afterwards: the next procedure runs to the end.
    const next = await alice.startRun(steps(`${tag}-after`, 2, 0));
    expect((await finished(next.id)).status).toBe('completed');
    const { rows } = await pg.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND application_name = 'onward procedures'",
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  it('stops rebuild-sales-summary on a cancel mid-run and leaves the summary table as it was', async () => {
    const table = `"${server.schema}".sales_summary`;
    const summaryOf2024 = async (): Promise<unknown[]> =>
      (await pg.query(`SELECT * FROM ${table} WHERE year = 2024 ORDER BY month, customer_id, product_id`)).rows;
    // An earlier state that no rebuild writes: a completed rebuild, each row's orders raised by 1000.
    const first = await alice.startRun({ task: 'rebuild-sales-summary', parameters: { year: 2024 } });
    expect((await finished(first.id)).status).toBe('completed');
    await pg.query(`UPDATE ${table} SET orders = orders + 1000 WHERE year = 2024`);
    const before = await summaryOf2024();
    expect(before.length).toBeGreaterThan(0);

    // Even a million demo orders take about 50 ms a month, too fast to cancel mid-run, and the procedure
    // has no knob to slow it down. This test's own trigger sleeps 0.5 s after each chunk's INSERT (as
    // pg_sleep does in bench_procedure_steps): 12 chunks take 6 s, and the procedure is unchanged.
    const fn = `"${server.schema}".slow_summary_chunk`;
    await pg.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$`,
    );
    await pg.query(
      `CREATE TRIGGER slow_summary_chunk AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    );
    try {
      const run = await alice.startRun({ task: 'rebuild-sales-summary', parameters: { year: 2024 } });
      await socket.waitFor<RunView>(
        'run.updated',
        (r) => r.id === run.id && /^Chunk \d+ of 12$/.test(r.progress.message ?? ''),
      );
      expect(await backendsOf(run.id)).toBe(1);
      await alice.post(`/api/runs/${run.id}/cancel`).expect(202);
      const end = await finished(run.id);
      expect(end.status).toBe('cancelled');
      expect(end.progress.message).not.toBe('Chunk 12 of 12');
      await pollUntil(
        () => backendsOf(run.id),
        (n) => n === 0,
        1_000,
        'no backend running the CALL',
      );
      // Rolled back: the DELETE of the year and the chunks written before the cancel are undone.
      expect(await summaryOf2024()).toEqual(before);
    } finally {
      await pg.query(`DROP TRIGGER IF EXISTS slow_summary_chunk ON ${table}`);
      await pg.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
  });
});

// The start-up check end to end: the built server, its migrations applied, finds the built-in's
// procedure changed under it (as a DBA's edit would) and refuses to start.
describeNeeding(['postgres'], 'a procedure that no longer fits its task (the built server)', () => {
  const schema = uniqueSchemaName();
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-procedure-misfit-'));
  const env = { ONWARD_DATA_DIR: dataDir, DATABASE_URL: postgresUrlWithSchema(schema) };

  beforeAll(() => ensureBuiltServer(), 360_000);
  afterAll(async () => {
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the start with a message naming the task and the argument', async () => {
    // A first start installs rebuild_sales_summary(p_year integer, …) with the migrations.
    const first = await ServerProcess.start(env);
    await first.stop();
    await postgresQuery(`DROP PROCEDURE "${schema}".rebuild_sales_summary(integer, integer)`);
    await postgresQuery(
      `CREATE PROCEDURE "${schema}".rebuild_sales_summary(p_year text, INOUT rows_written integer DEFAULT NULL)
       LANGUAGE plpgsql AS $$ BEGIN rows_written := 0; END $$`,
    );
    const { code, output } = await startExpectingExit(env);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain(
      'Task "rebuild-sales-summary" (procedure rebuild_sales_summary): argument "p_year" is text, which an integer parameter ("year") does not fit',
    );
  }, 120_000);
});
