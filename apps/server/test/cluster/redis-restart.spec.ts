import request from 'supertest';

import { Api, pollUntil, recalc, salesReport } from '../support/api';
import type { RunView } from '../support/contract';
import { type RunsSocket, connectRuns } from '../support/sockets';
import { Cluster, type OnwardProcess, prepareCluster } from './support/cluster';
import { RedisServer, describeWithRedisServer } from './support/redis-server';

// A private redis-server (no persistence) on a free loopback port, stopped mid-run and started again
// on the same port: everything it held is gone, and the runs are still all carried out, because
// PostgreSQL is the record of runs.
const WORKER_ENV = { ONWARD_CONCURRENCY: '4', ONWARD_USER_CONCURRENCY: '2' };

describeWithRedisServer('cluster: Redis restarted mid-run', () => {
  let redis: RedisServer;
  let cluster: Cluster;
  let api: OnwardProcess;
  let worker: OnwardProcess;
  let socket: RunsSocket | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
    await prepareCluster(redis.url);
    cluster = new Cluster({ redisUrl: redis.url, disposableRedis: true });
    api = await cluster.start('api', 'api');
    worker = await cluster.start('worker', 'worker', WORKER_ENV);
  }, 360_000);

  afterAll(async () => {
    socket?.close();
    try {
      await cluster?.teardown();
    } finally {
      await redis?.dispose();
    }
  }, 60_000);

  async function health(): Promise<{ status: number; body: { database?: string; queue?: string } }> {
    const res = await request(api.url).get('/health').timeout(10_000);
    return { status: res.status, body: res.body as { database?: string; queue?: string } };
  }

  it('loses no run, neither those in Redis nor those created while it was away', async () => {
    const alice = await Api.as(api.url, 'alice');
    socket = await connectRuns(api.url, alice.token as string);
    // Two run, two wait in the queue (ONWARD_USER_CONCURRENCY=2).
    const before: RunView[] = [];
    for (const category of ['Hardware', 'Software', 'Services', 'Hardware'])
      before.push(await alice.startRun(recalc(6, category)));
    await pollUntil(
      () => Promise.all(before.map((r) => alice.getRun(r.id))),
      (runs) => runs.filter((r) => r.status === 'running').length === 2,
      20_000,
      'two runs running',
    );

    const chunk = (run: RunView): number => Number(/^Chunk (\d+) of/.exec(run.progress.message ?? '')?.[1] ?? 0);
    const running = (await Promise.all(before.map((r) => alice.getRun(r.id)))).filter((r) => r.status === 'running');

    await redis.stop();
    const stoppedAt = Date.now();
    await pollUntil(
      health,
      (h) => h.status === 503 && h.body.queue === 'down',
      20_000,
      '/health reporting the queue down',
    );
    // Mid-run: the running handlers carry on without Redis (their progress is stored in PostgreSQL),
    // for longer than a lock renewal (ONWARD_LOCK_MS / 2).
    const processesAlive = (): void => {
      for (const p of cluster.processes) {
        if (!p.alive) throw new Error(`${p.name} exited while Redis was away:\n${p.log.slice(-3_000)}`);
      }
    };
    await pollUntil(
      () => Promise.all(running.map((r) => alice.getRun(r.id))),
      (now) => {
        processesAlive();
        return now.every((r, i) => chunk(r) >= chunk(running[i] as RunView) + 3);
      },
      20_000,
      'the running runs to advance three chunks while Redis is away',
    );

    // The API still takes runs: they are stored in PostgreSQL.
    const during: RunView[] = [];
    const postMs: number[] = [];
    for (const body of [recalc(1, 'Software'), salesReport('Initech', 2024)]) {
      const t0 = Date.now();
      const res = await alice.post('/api/runs', body).timeout(10_000);
      postMs.push(Date.now() - t0);
      expect(res.status).toBe(202);
      during.push(res.body as RunView);
    }
    for (const run of during) expect((await alice.getRun(run.id)).status).toBe('queued');
    // Cancelling and deleting queued runs work too: the database decides, the queue catches up later.
    const [toCancel, toDelete] = await Promise.all([alice.startRun(recalc(1)), alice.startRun(recalc(1))]);
    const cancel = await alice.post(`/api/runs/${toCancel.id}/cancel`).timeout(10_000);
    expect(cancel.status).toBe(202);
    expect((cancel.body as RunView).status).toBe('cancelled');
    expect((await alice.delete(`/api/runs/${toDelete.id}`).timeout(10_000)).status).toBe(204);
    expect((await alice.get(`/api/runs/${toDelete.id}`)).status).toBe(404);

    await redis.start();
    const restartedAt = Date.now();
    await pollUntil(health, (h) => h.status === 200, 30_000, '/health answering 200 again');
    const healthyMs = Date.now() - restartedAt;

    processesAlive();
    const finished = await Promise.all([...before, ...during].map((r) => alice.waitFinished(r.id, 90_000)));
    const doneMs = Date.now() - restartedAt;
    expect(finished.map((r) => `${r.task} ${r.status}`)).toEqual([
      'recalculate-prices completed',
      'recalculate-prices completed',
      'recalculate-prices completed',
      'recalculate-prices completed',
      'recalculate-prices completed',
      'sales-report completed',
    ]);
    // The cancelled run never ran, and the deleted one did not come back.
    const cancelled = await alice.getRun(toCancel.id);
    expect([cancelled.status, cancelled.startedAt]).toEqual(['cancelled', null]);
    expect((await alice.get(`/api/runs/${toDelete.id}`)).status).toBe(404);
    // Live updates made by the worker after the restart still reach a socket connected before it.
    for (const run of during) await socket.waitForRun(run.id, (r) => r.status === 'completed', 20_000);
    console.log(
      `[redis] Redis away for ${restartedAt - stoppedAt} ms; POST /api/runs answered 202 in ${postMs.join(', ')} ms ` +
        `while it was; /health 200 ${healthyMs} ms and every run finished ${doneMs} ms after it came back`,
    );
  }, 150_000);

  it('brings a socket up to date with a run that finished while Redis was away, on a worker killed before it could say so', async () => {
    const alice = await Api.as(api.url, 'alice');
    const watcher = await connectRuns(api.url, alice.token as string);
    try {
      const run = await alice.startRun(recalc(4, 'Services'));
      await watcher.waitForRun(run.id, (r) => r.status === 'running', 20_000);

      await redis.stop();
      // The run finishes without Redis (stored in PostgreSQL); its worker's updates wait for Redis
      // in the worker's memory, and die with it.
      const finished = await alice.waitFinished(run.id, 30_000);
      expect(finished.status).toBe('completed');
      await worker.kill();
      expect(watcher.updates((r) => r.id === run.id && r.status === 'completed')).toEqual([]);

      await redis.start();
      // The API process, subscribed again, sends what may have changed meanwhile from the database.
      const seen = await watcher.waitForRun(run.id, (r) => r.version === finished.version, 30_000);
      expect(seen).toEqual(finished);
    } finally {
      watcher.close();
      worker = await cluster.start('worker-2', 'worker', WORKER_ENV);
    }
  }, 120_000);

  it('tells a socket of a run deleted on another API process while Redis was away', async () => {
    const other = await cluster.start('api-2', 'api');
    const alice = await Api.as(api.url, 'alice');
    const aliceElsewhere = await Api.as(other.url, 'alice');
    const watcher = await connectRuns(api.url, alice.token as string);
    try {
      const run = await alice.startRun(recalc(1, 'Software'));
      await watcher.waitForRun(run.id, (r) => r.status === 'completed', 30_000);

      await redis.stop();
      expect((await aliceElsewhere.delete(`/api/runs/${run.id}`).timeout(10_000)).status).toBe(204);
      // The deletion was published to no one: Redis is away.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(watcher.payloads('run.deleted')).toEqual([]);

      await redis.start();
      // Subscribed again, the socket's API process reads the deletions of the outage from the database.
      await expect(watcher.waitFor('run.deleted', (e: { id: string }) => e.id === run.id, 30_000)).resolves.toEqual({
        id: run.id,
      });
    } finally {
      watcher.close();
    }
  }, 120_000);
});
