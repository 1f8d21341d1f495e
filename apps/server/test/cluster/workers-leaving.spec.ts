import { Api, recalc } from '../support/api';
import { type RunView, isFinished } from '../support/contract';
import { type RunsSocket, connectRuns } from '../support/sockets';
import { Cluster, type OnwardProcess, deleteRedisKeys, describeCluster, prepareCluster } from './support/cluster';

// Workers leaving: SIGTERM (finish within ONWARD_SHUTDOWN_GRACE_MS, else hand the run back), and a
// worker dying while Redis loses the run's job too (the reconciler adopts the orphaned run).

const chunk = (r: RunView): number => Number(/^Chunk (\d+) of \d+$/.exec(r.progress.message ?? '')?.[1] ?? 0);

describeCluster('cluster: workers leaving (SIGTERM, lost jobs)', () => {
  let cluster: Cluster;
  let api: OnwardProcess;
  let alice: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster();
    api = await cluster.start('api', 'api');
    alice = await Api.as(api.url, 'alice');
    socket = await connectRuns(api.url, alice.token as string);
  }, 360_000);

  afterAll(async () => {
    socket?.close();
    await cluster?.teardown();
  }, 60_000);

  it('lets a worker stopped with SIGTERM finish its running run within the grace, then exit', async () => {
    const worker = await cluster.startFaultWorker({ ONWARD_SHUTDOWN_GRACE_MS: '30000' });
    const run = await alice.startRun(recalc(3, 'Hardware'));
    await socket.waitForRun(run.id, (r) => r.status === 'running' && chunk(r) >= 1, 20_000);

    const stopping = worker.stop(40_000);
    const ended = await alice.waitFinished(run.id, 40_000);
    await stopping;

    expect(ended.status).toBe('completed');
    expect(worker.alive).toBe(false);
    expect(worker.log).not.toContain('SIGKILL');
    // Finished by the worker that started it: never handed back.
    expect(
      socket
        .payloads<RunView>('run.updated')
        .some((r) => r.id === run.id && r.status === 'queued' && r.version > run.version),
    ).toBe(false);
  }, 90_000);

  it('hands a run that outlasts the grace back to the queue, and another worker completes it', async () => {
    const leaving = await cluster.startFaultWorker({ ONWARD_SHUTDOWN_GRACE_MS: '1000' });
    const run = await alice.startRun(recalc(8, 'Services'));
    const running = await socket.waitForRun(run.id, (r) => r.status === 'running' && chunk(r) >= 1, 20_000);
    const staying = await cluster.startFaultWorker();

    const stoppedAt = Date.now();
    await leaving.stop(30_000);
    const exitMs = Date.now() - stoppedAt;
    const handedBack = await socket.waitForRun(
      run.id,
      (r) => r.status === 'queued' && r.version > running.version,
      10_000,
    );
    const ended = await alice.waitFinished(run.id, 60_000);

    expect(handedBack.progress.message).toBe('Waiting to resume');
    expect(ended.status).toBe('completed');
    expect(staying.alive).toBe(true);
    console.log(`[shutdown] SIGTERM with ONWARD_SHUTDOWN_GRACE_MS=1000 → exited after ${exitMs} ms, run handed back`);
  }, 120_000);

  it('adopts a running run whose worker died and whose job Redis lost: it ends failed (interrupted)', async () => {
    for (const worker of cluster.workers) await worker.stop(30_000);
    const first = await cluster.startFaultWorker();
    const run = await alice.startRun(recalc(60, 'Hardware'));
    await socket.waitForRun(run.id, (r) => r.status === 'running' && chunk(r) >= 2, 20_000);
    await cluster.startFaultWorker();

    const killedAt = Date.now();
    await first.kill();
    // Redis loses its data: the job, its lock and the user's slot lease are gone.
    await deleteRedisKeys(cluster.redisUrl, cluster.name);
    const ended = await socket.waitForRun(run.id, (r) => isFinished(r.status), 60_000);
    const recoveryMs = Date.now() - killedAt;

    expect(ended.status).toBe('failed');
    expect(ended.error?.message).toContain('Interrupted');
    expect((await alice.list('?status=running,cancelling')).items).toEqual([]);
    // The queue still works after the loss.
    expect((await alice.waitFinished((await alice.startRun(recalc(0.5))).id, 30_000)).status).toBe('completed');
    console.log(
      `[shutdown] worker SIGKILL + Redis keys lost → run 'failed' (${ended.error?.message}) after ${recoveryMs} ms`,
    );
  }, 120_000);

  it('runs a task declared retryOnCrash again on another worker when its worker is killed', async () => {
    while (cluster.workers.length < 2) await cluster.startFaultWorker();
    const run = await alice.startRun({ task: 'print-preview', parameters: { customer: 'Globex' } });
    const executor = await cluster.waitForExecutor(run.id, 30_000);
    const running = (await alice.getRun(run.id)).version;

    const killedAt = Date.now();
    await executor.kill();
    const resumed = await socket.waitForRun(run.id, (r) => r.status === 'queued' && r.version > running, 30_000);
    const ended = await alice.waitFinished(run.id, 60_000);
    const recoveryMs = Date.now() - killedAt;

    expect(resumed.progress.message).toBe('Resumed after a worker stopped');
    expect(ended.status).toBe('completed');
    expect(ended.result?.type).toBe('file');
    console.log(
      `[shutdown] SIGKILL of ${executor.name} mid print-preview → retried, 'completed' after ${recoveryMs} ms`,
    );
  }, 120_000);
});
