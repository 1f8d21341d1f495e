import type { AdminStats, WorkerInfo } from '@onward/task-domain';

import { Api, pollUntil, recalc } from '../support/api';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

/** A killed process's heartbeat key expires after this (HEARTBEAT_TTL_MS), plus a beat's slack. */
const GONE_WITHIN_MS = 15_000 + 5_000 + 2_000;

// `GET /api/admin/workers` and the stats rollup across real processes: an API process and two
// workers on one PostgreSQL schema and one Redis prefix.
describeCluster('cluster: admin workers and stats', () => {
  let cluster: Cluster;
  let api: OnwardProcess;
  let workers: OnwardProcess[];
  let admin: Api;

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster();
    api = await cluster.start('api', 'api');
    workers = await Promise.all([
      cluster.start('worker-1', 'worker', { ONWARD_CONCURRENCY: '2' }),
      cluster.start('worker-2', 'worker', { ONWARD_CONCURRENCY: '2' }),
    ]);
    admin = await Api.as(api.url, 'admin');
  }, 360_000);

  afterAll(async () => {
    await cluster?.teardown();
  }, 60_000);

  const list = async (): Promise<WorkerInfo[]> => {
    const res = await admin.get('/api/admin/workers');
    expect(res.status).toBe(200);
    return res.body as WorkerInfo[];
  };

  it('lists every process alive with its role and the runs it executes; a SIGKILLed worker disappears', async () => {
    const all = await pollUntil(list, (l) => l.length === 3, 10_000, 'three processes');
    expect(all.map((w) => [w.pid, w.role]).sort()).toEqual(
      [
        [api.pid, 'api'],
        [workers[0].pid, 'worker'],
        [workers[1].pid, 'worker'],
      ].sort(),
    );

    const alice = await Api.as(api.url, 'alice');
    const run = await alice.startRun(recalc(60));
    await alice.pollRun(run.id, (r) => r.status === 'running');
    const holding = await pollUntil(list, (l) => l.some((w) => w.running.includes(run.id)), 10_000, 'the run listed');
    const holder = holding.find((w) => w.running.includes(run.id)) as WorkerInfo;
    expect(holder.role).toBe('worker');

    const victim = workers.find((w) => w.pid === holder.pid) as OnwardProcess;
    await victim.kill();
    const after = await pollUntil(
      list,
      (l) => !l.some((w) => w.pid === victim.pid),
      GONE_WITHIN_MS,
      'the killed worker gone',
    );
    expect(after).toHaveLength(2);
    await alice.post(`/api/runs/${run.id}/cancel`);
  }, 120_000);

  it('adds up the rollup deltas of the worker processes', async () => {
    const alice = await Api.as(api.url, 'alice');
    await cluster.start('worker-3', 'worker', { ONWARD_CONCURRENCY: '2' });
    const runs = await Promise.all(Array.from({ length: 6 }, () => alice.startRun(recalc(0.5))));
    await Promise.all(runs.map((r) => alice.waitFinished(r.id)));
    const stats = await pollUntil(
      async () => (await admin.get('/api/admin/stats?window=1h')).body as AdminStats,
      (s) => (s.tasks.find((t) => t.task === 'recalculate-prices')?.runs ?? 0) >= 6,
      10_000,
      'six recalculations counted',
    );
    const completed = stats.buckets.reduce((sum, b) => sum + b.completed, 0);
    expect(completed).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
