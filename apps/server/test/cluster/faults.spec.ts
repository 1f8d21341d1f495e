import { Api, recalc, salesReport } from '../support/api';
import { type RunView, isFinished } from '../support/contract';
import { type RunsSocket, connectRuns } from '../support/sockets';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

// Processes dying with SIGKILL, with FAULT_TEST_WORKER_ENV workers (a 2 s lock, one job at a time).

describeCluster('cluster faults: SIGKILL of a worker or an API process', () => {
  let cluster: Cluster;
  let apiA: OnwardProcess;
  let apiC: OnwardProcess;
  let aliceOnC: Api;
  let socketOnC: RunsSocket;

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster();
    apiC = await cluster.start('api-C', 'api');
    apiA = await cluster.start('api-A', 'api');
    aliceOnC = await Api.as(apiC.url, 'alice');
    socketOnC = await connectRuns(apiC.url, aliceOnC.token as string);
  }, 360_000);

  afterAll(async () => {
    socketOnC?.close();
    await cluster?.teardown();
  }, 60_000);

  it('ends a run failed ("Interrupted") within seconds when the worker executing it is killed', async () => {
    // The only worker takes the run; a second one joins once the run is under way.
    const first = await cluster.startFaultWorker();
    const run = await aliceOnC.startRun(recalc(60, 'Hardware'));
    const chunk = (r: RunView): number => Number(/^Chunk (\d+) of 60$/.exec(r.progress.message ?? '')?.[1] ?? 0);
    await socketOnC.waitForRun(run.id, (r) => r.status === 'running' && chunk(r) >= 2, 20_000);
    await cluster.startFaultWorker();
    expect((await aliceOnC.getRun(run.id)).status).toBe('running');

    const killedAt = Date.now();
    await first.kill();
    const ended = await socketOnC.waitForRun(run.id, (r) => isFinished(r.status), 30_000);
    const recoveryMs = Date.now() - killedAt;

    expect(ended.status).toBe('failed');
    expect(ended.error?.message).toContain('Interrupted');
    const stored = await aliceOnC.getRun(run.id);
    expect(stored.status).toBe('failed');
    expect(stored.error?.message).toContain('Interrupted');
    expect(stored.finishedAt).not.toBeNull();
    expect((await aliceOnC.list('?status=running,cancelling')).items).toEqual([]);
    console.log(
      `[faults] SIGKILL of ${first.name} (ONWARD_LOCK_MS=2000) → run 'failed' (${ended.error?.message}) after ${recoveryMs} ms`,
    );
  }, 120_000);

  it('brings a scheduler whose worker is killed mid-chain to a final status, every subtask final', async () => {
    await cluster.startFaultWorker(); // two live workers: the one left from the test above and this one
    expect(cluster.workers).toHaveLength(2);
    const rows = [
      { customer: 'Acme', year: 2024 },
      { customer: 'Globex', year: 2024 },
      { customer: 'Initech', year: 2025 },
    ];
    const scheduler = await aliceOnC.startRun({ task: 'sales-report', rows });
    const children = (await aliceOnC.getRun(scheduler.id)).children ?? [];
    expect(children).toHaveLength(3);
    const [firstChild, secondChild, thirdChild] = children.map((c) => c.id) as [string, string, string];

    // Mid-chain: the worker executing the scheduler is writing the second subtask's PDF.
    const executor = await cluster.waitForExecutor(secondChild, 30_000);
    expect(cluster.workers).toContain(executor);
    expect((await aliceOnC.getRun(firstChild)).status).toBe('completed');

    const killedAt = Date.now();
    await executor.kill();
    const interrupted = await socketOnC.waitForRun(secondChild, (r) => isFinished(r.status), 30_000);
    const interruptedMs = Date.now() - killedAt;
    const ended = await aliceOnC.waitFinished(scheduler.id, 60_000);
    const endedMs = Date.now() - killedAt;

    expect(interrupted.status).toBe('failed');
    expect(interrupted.error?.message).toContain('Interrupted');
    const final = await aliceOnC.getRun(scheduler.id);
    const statuses = (final.children ?? []).map((c) => c.status);
    expect(statuses.every(isFinished)).toBe(true);
    // The chain carried on with the subtask that was left.
    expect(Object.fromEntries((final.children ?? []).map((c) => [c.id, c.status]))).toEqual({
      [firstChild]: 'completed',
      [secondChild]: 'failed',
      [thirdChild]: 'completed',
    });
    expect(ended.status).toBe('failed');
    expect(final.scheduler).toMatchObject({ total: 3, completed: 2, failed: 1, cancelled: 0, current: null });
    console.log(
      `[faults] SIGKILL of ${executor.name} mid-chain → subtask 'failed' after ${interruptedMs} ms, scheduler ` +
        `'${ended.status}' ("${ended.error?.message}") after ${endedMs} ms`,
    );
  }, 120_000);

  it('loses no queued run when the API process that created them is killed', async () => {
    const [worker] = cluster.workers;
    expect(cluster.workers).toHaveLength(1); // ONWARD_CONCURRENCY=1
    const bobOnC = await Api.as(apiC.url, 'bob');
    const busy = await bobOnC.startRun(recalc(5, 'Services'));
    await bobOnC.pollRun(busy.id, (r) => r.status === 'running', 20_000, 'running');

    const aliceOnA = new Api(apiA.url, aliceOnC.token, aliceOnC.login);
    const created: RunView[] = [];
    for (const body of [
      salesReport('Stark', 2025),
      recalc(0.5, 'Hardware'),
      salesReport('Umbrella', 2024),
      recalc(0.5),
    ]) {
      created.push(await aliceOnA.startRun(body));
    }
    for (const run of created) expect((await aliceOnC.getRun(run.id)).status).toBe('queued');

    await apiA.kill();
    const finished = await Promise.all(created.map((run) => aliceOnC.waitFinished(run.id, 60_000)));
    expect(finished.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect((await bobOnC.waitFinished(busy.id, 30_000)).status).toBe('completed');
    expect(worker?.alive).toBe(true);
  }, 120_000);
});
