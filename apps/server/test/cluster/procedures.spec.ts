import { Api, pollUntil } from '../support/api';
import { postgresQuery } from '../support/databases';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

// Stored-procedure tasks across processes: the cancel reaches an API process, the procedure runs on
// a worker, and its backend stops; a worker SIGKILLed in the middle of a CALL leaves no backend
// behind, and its run ends failed, not running. `bench-procedure-steps` logs a row per step in its one
// transaction, so rows left behind would show a transaction that was not rolled back.

/** The backends working on a run's CALL. */
async function backendPids(id: string): Promise<number[]> {
  const rows = await postgresQuery<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state <> 'idle'",
    [`/* onward run ${id} */%`],
  );
  return rows.map((row) => row.pid);
}

/** Backends still working on a run's CALL. */
async function backendsOf(id: string): Promise<number> {
  const [row] = await postgresQuery<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND state <> 'idle'",
    [`/* onward run ${id} */%`],
  );
  return Number(row?.n ?? 0);
}

describeCluster('cluster: stored procedures on a worker (Redis + PostgreSQL)', () => {
  let cluster: Cluster;
  let alice: Api;
  let worker: OnwardProcess;

  const loggedSteps = async (tag: string): Promise<number> =>
    Number(
      (
        await postgresQuery<{ n: string }>(
          `SELECT count(*) AS n FROM "${cluster.name}".bench_procedure_log WHERE run = $1`,
          [tag],
        )
      )[0]?.n,
    );

  /** Starts a procedure of two 30-second steps and waits until its backend is inside the first. */
  async function sleepingProcedure(tag: string, task = 'bench-procedure-steps'): Promise<string> {
    const run = await alice.startRun({
      task,
      parameters: { steps: 2, step_seconds: 30, tag },
    });
    await pollUntil(
      () => backendsOf(run.id),
      (n) => n === 1,
      30_000,
      `the CALL of ${tag} running`,
    );
    return run.id;
  }

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster({ env: { ONWARD_BENCH_TASKS: 'true' } });
    const api = await cluster.start('api', 'api');
    worker = await cluster.startFaultWorker();
    alice = await Api.as(api.url, 'alice');
  }, 360_000);

  afterAll(async () => {
    await cluster?.teardown();
  }, 60_000);

  it('a cancel sent to the API process stops the procedure on the worker and rolls it back', async () => {
    const id = await sleepingProcedure('cross-process');
    await alice.post(`/api/runs/${id}/cancel`).expect(202);
    expect((await alice.waitFinished(id, 30_000)).status).toBe('cancelled');
    await pollUntil(
      () => backendsOf(id),
      (n) => n === 0,
      1_000,
      'no backend running the CALL',
    );
    expect(await loggedSteps('cross-process')).toBe(0);
  }, 90_000);

  it('a worker SIGKILLed mid-procedure leaves no backend running it, and the run ends failed', async () => {
    const id = await sleepingProcedure('killed');
    await worker.kill();
    // PostgreSQL notices the closed connection (client_connection_check_interval) and rolls back.
    await pollUntil(
      () => backendsOf(id),
      (n) => n === 0,
      10_000,
      'the backend of the killed worker gone',
    );
    worker = await cluster.startFaultWorker();
    const end = await alice.waitFinished(id, 60_000);
    expect(end.status).toBe('failed');
    expect(end.error?.message).toMatch(/interrupted/i);
    expect(await backendsOf(id)).toBe(0);
    expect(await loggedSteps('killed')).toBe(0);
  }, 120_000);

  it("a procedure declared retryOnCrash runs again on another worker, with only the new attempt's backend left", async () => {
    const id = await sleepingProcedure('retried', 'bench-procedure-retried');
    const [first] = await backendPids(id);
    await worker.kill();
    worker = await cluster.startFaultWorker();
    const [again] = await pollUntil(
      () => backendPids(id),
      (pids) => pids.length === 1 && pids[0] !== first,
      60_000,
      'the second attempt alone running the CALL',
    );
    expect((await alice.getRun(id)).status).toBe('running');
    await alice.post(`/api/runs/${id}/cancel`).expect(202);
    expect((await alice.waitFinished(id, 30_000)).status).toBe('cancelled');
    await pollUntil(
      () => backendPids(id),
      (pids) => !pids.includes(again),
      1_000,
      'no backend running the CALL',
    );
    expect(await loggedSteps('retried')).toBe(0);
  }, 150_000);
});
