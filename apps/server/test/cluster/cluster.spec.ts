import { Api, recalc, salesReport } from '../support/api';
import type { RunView } from '../support/contract';
import { type RunsSocket, connectRuns, maxActiveAtOnce, maxOverlap } from '../support/sockets';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

// Several real server processes on one PostgreSQL schema and one Redis prefix: two API processes
// (A and C, ONWARD_ROLE=api, which never execute runs) and two worker processes (B1, B2).
const WORKER_ENV = { ONWARD_CONCURRENCY: '4', ONWARD_USER_CONCURRENCY: '2' };

describeCluster('cluster: API processes and worker processes', () => {
  let cluster: Cluster;
  let apiA: OnwardProcess;
  let apiC: OnwardProcess;
  let workers: OnwardProcess[] = [];
  const sockets: RunsSocket[] = [];

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster();
    // The first process creates the schema and seeds the demo users alone; the others join it.
    apiA = await cluster.start('api-A', 'api');
    apiC = await cluster.start('api-C', 'api');
  }, 360_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.teardown();
  }, 60_000);

  async function socketOn(proc: OnwardProcess, api: Api): Promise<RunsSocket> {
    const socket = await connectRuns(proc.url, api.token as string);
    sockets.push(socket);
    return socket;
  }

  /** Starts the two workers (once). */
  async function ensureWorkers(): Promise<OnwardProcess[]> {
    if (workers.length === 0) {
      workers = await Promise.all([
        cluster.spawn('worker-B1', 'worker', WORKER_ENV),
        cluster.spawn('worker-B2', 'worker', WORKER_ENV),
      ]);
      await Promise.all(workers.map((w) => w.waitReady()));
    }
    return workers;
  }

  it('executes a run started on API A in a worker and streams its progress to a socket on API C', async () => {
    const aliceOnA = await Api.as(apiA.url, 'alice');
    const socketOnC = await socketOn(apiC, aliceOnA);
    const run = await aliceOnA.startRun(salesReport('Globex', 2025));
    expect(run.status).toBe('queued');

    // No worker exists yet: the API processes store and enqueue, they do not execute.
    const workersSpawnedAt = Date.now();
    const [b1, b2] = await Promise.all([
      cluster.spawn('worker-B1', 'worker', WORKER_ENV),
      cluster.spawn('worker-B2', 'worker', WORKER_ENV),
    ]);
    workers = [b1 as OnwardProcess, b2 as OnwardProcess];
    // The process executing a report holds its result file open: that names the worker.
    const executor = cluster.waitForExecutor(run.id, 60_000);
    executor.catch(() => undefined); // awaited below, after the workers are ready
    await Promise.all(workers.map((w) => w.waitReady()));
    const ranOn = await executor;
    expect(workers).toContain(ranOn);

    const done = await socketOnC.waitForRun(run.id, (r) => r.status === 'completed', 30_000);
    expect(Date.parse(done.startedAt as string)).toBeGreaterThanOrEqual(workersSpawnedAt - 1);
    expect(done.result).toEqual({
      type: 'file',
      fileName: expect.stringMatching(/\.pdf$/),
      contentType: 'application/pdf',
      size: expect.any(Number),
    });

    const views = socketOnC.updates((r) => r.id === run.id);
    const versions = views.map((r) => r.version);
    // Every view arrives with a higher version than the one before: in order, none repeated.
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const progress = views.filter((r) => r.status === 'running' && r.progress.percent !== null);
    const percents = progress.map((r) => r.progress.percent as number);
    expect(new Set(percents).size).toBeGreaterThanOrEqual(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.some((r) => (r.progress.percent as number) > 0 && (r.progress.percent as number) < 100)).toBe(true);
    // The notification is a separate event that may follow the final run.updated.
    await socketOnC.waitFor<{ id: string; event: string }>(
      'run.notification',
      (n) => n.id === run.id && n.event === 'finished',
    );
    expect(socketOnC.notifications(run.id).map((n) => n.event)).toEqual(['started', 'finished']);

    const events = socketOnC.events.filter(
      (e) => (e.payload as RunView | null)?.id === run.id && e.name === 'run.updated',
    );
    const firstRunning = events.find((e) => (e.payload as RunView).status === 'running');
    const last = events[events.length - 1];
    const live = events.slice(firstRunning ? events.indexOf(firstRunning) : 0);
    const gaps = live.slice(1).map((e, i) => e.at - (live[i] as { at: number }).at);
    console.log(
      `[cluster] run ${run.id} created on ${apiA.name}, executed by ${ranOn.name} (pid ${ranOn.pid}); ` +
        `${events.length} run.updated on ${apiC.name} (${progress.length} with progress) over ` +
        `${(last?.at ?? 0) - (firstRunning?.at ?? 0)} ms from 'running' to 'completed', largest gap between ` +
        `two of them ${Math.max(...gaps)} ms`,
    );
  }, 120_000);

  it('keeps one user to ONWARD_USER_CONCURRENCY=2 runs over two workers without blocking another user', async () => {
    await ensureWorkers();
    const aliceOnA = await Api.as(apiA.url, 'alice');
    const aliceOnC = new Api(apiC.url, aliceOnA.token, aliceOnA.login);
    const bobOnC = await Api.as(apiC.url, 'bob');
    const aliceSocket = await socketOn(apiC, aliceOnA);
    const bobSocket = await socketOn(apiA, bobOnC);

    const categories = ['Hardware', 'Software', 'Services'];
    const aliceRuns: RunView[] = [];
    for (let i = 0; i < 6; i++) {
      aliceRuns.push(await (i % 2 ? aliceOnC : aliceOnA).startRun(recalc(3, categories[i % 3])));
    }
    const bobRun = await bobOnC.startRun(recalc(1, 'Services'));

    await bobSocket.waitForRun(bobRun.id, (r) => r.status !== 'queued', 15_000);
    // Queued runs only get fewer (nobody adds any): alice had at least these while bob's run started.
    const aliceQueued = (await aliceOnA.list('?status=queued')).items.filter((r) =>
      aliceRuns.some((a) => a.id === r.id),
    );
    expect(aliceQueued.length).toBeGreaterThan(0);

    const finished = await Promise.all(aliceRuns.map((r) => aliceOnC.waitFinished(r.id, 90_000)));
    expect(finished.map((r) => r.status)).toEqual(Array(6).fill('completed'));
    for (const r of aliceRuns) await aliceSocket.waitForRun(r.id, (v) => v.status === 'completed', 10_000);
    const bobDone = await bobOnC.waitFinished(bobRun.id, 30_000);
    expect(bobDone.status).toBe('completed');
    expect(Date.parse(bobDone.finishedAt as string)).toBeLessThan(
      Math.max(...finished.map((r) => Date.parse(r.finishedAt as string))),
    );

    const ids = new Set(aliceRuns.map((r) => r.id));
    const activeAtOnce = maxActiveAtOnce(aliceSocket.updates((r) => ids.has(r.id)));
    console.log(
      `[cluster] alice: at most ${activeAtOnce} runs active at once on the socket, ${maxOverlap(finished)} by ` +
        `startedAt/finishedAt; ${aliceQueued.length} of hers still queued when bob's run started`,
    );
    // Never more than the cap, and the cap is reached (two runs did run side by side).
    expect(activeAtOnce).toBe(2);
    expect(maxOverlap(finished)).toBeLessThanOrEqual(2);
  }, 120_000);

  it('stops a run executing on a worker when it is cancelled on API A', async () => {
    await ensureWorkers();
    const aliceOnA = await Api.as(apiA.url, 'alice');
    const socketOnC = await socketOn(apiC, aliceOnA);
    const latencies: number[] = [];
    for (const category of ['Hardware', 'Software', 'Services']) {
      const run = await aliceOnA.startRun(recalc(30, category));
      // Its handler is working: it has reported a chunk.
      await socketOnC.waitForRun(
        run.id,
        (r) => r.status === 'running' && /^Chunk \d+ of 30$/.test(r.progress.message ?? ''),
        20_000,
      );

      const requestedAt = Date.now();
      const res = await aliceOnA.post(`/api/runs/${run.id}/cancel`);
      expect(res.status).toBe(202);
      expect(['cancelling', 'cancelled']).toContain((res.body as RunView).status);
      // Generous bound, only so that the test cannot hang; the figure is printed below.
      const cancelled = await socketOnC.waitForRun(run.id, (r) => r.status === 'cancelled', 5_000);
      latencies.push(Date.now() - requestedAt);

      expect(cancelled.finishedAt).not.toBeNull();
      const stored = await aliceOnA.getRun(run.id);
      expect(stored.status).toBe('cancelled');
      // Its handler stopped within a second: it got nowhere near its 30 chunks.
      expect(Number(/^Chunk (\d+)/.exec(stored.progress.message ?? '')?.[1] ?? 0)).toBeLessThan(10);
    }
    console.log(
      `[cluster] cancel on ${apiA.name} → 'cancelled' on a socket of ${apiC.name}: ${latencies.join(', ')} ms`,
    );
  }, 90_000);

  it('never runs the handler of a run cancelled on API A the moment it was created', async () => {
    await ensureWorkers();
    const bobOnA = await Api.as(apiA.url, 'bob');
    const cancelled: RunView[] = [];
    for (let i = 0; i < 8; i++) {
      const run = await bobOnA.startRun(recalc(30, 'Hardware'));
      expect((await bobOnA.post(`/api/runs/${run.id}/cancel`)).status).toBe(202);
      cancelled.push(await bobOnA.waitFinished(run.id, 10_000));
    }
    expect(cancelled.map((r) => r.status)).toEqual(Array(8).fill('cancelled'));
    // Nothing of bob's works any more: his two slots (ONWARD_USER_CONCURRENCY=2) take two new runs at once.
    const next = [await bobOnA.startRun(recalc(1, 'Software')), await bobOnA.startRun(recalc(1, 'Services'))];
    const started = await Promise.allSettled(
      next.map((r) => bobOnA.pollRun(r.id, (v) => v.status !== 'queued', 10_000, 'started')),
    );
    const after = await Promise.all(cancelled.map((r) => bobOnA.getRun(r.id)));
    // A handler that went on working would have moved the progress of a run that shows cancelled.
    const worked = after.filter((r) => /^Chunk ([2-9]|\d\d+) of 30$/.test(r.progress.message ?? ''));
    expect(worked.map((r) => `${r.id} ${r.status} "${r.progress.message}"`)).toEqual([]);
    expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    for (const r of next) await bobOnA.waitFinished(r.id, 30_000);
  }, 90_000);
});
