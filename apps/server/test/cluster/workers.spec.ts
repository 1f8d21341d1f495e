import type { AdminStats, WorkerInfo } from '@onward/task-domain';

import { STATS_HINT_MS } from '../../src/app/stats/run-stats.recorder';
import { HEARTBEAT_MS, HEARTBEAT_TTL_MS } from '../../src/app/stats/worker-presence';
import { Api, pollUntil, recalc } from '../support/api';
import { connectRuns, type RunsSocket } from '../support/sockets';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

/**
 * From the kill: the killed process's last heartbeat was written before it, and its key lives
 * HEARTBEAT_TTL_MS; the list reads the keys themselves, so only the polling's margin is added.
 */
const GONE_WITHIN_MS = HEARTBEAT_TTL_MS + 2_000;
/** An API process notices processes that came or went at its next heartbeat, and tells its admins. */
const TOLD_WITHIN_MS = HEARTBEAT_MS + 2_000;

const completed = (stats: AdminStats | null): number =>
  (stats?.buckets ?? []).reduce((sum, bucket) => sum + bucket.completed, 0);

/**
 * An admin's dashboard that reads the statistics and the processes again only when its socket is
 * told `stats.updated` (once at the start too), as the monitor's does: what it shows is stale unless
 * the server tells it.
 */
class HintedDashboard {
  stats: AdminStats | null = null;
  workers: WorkerInfo[] = [];
  private generation = 0;

  private constructor(
    private readonly admin: Api,
    private readonly socket: RunsSocket,
  ) {}

  static async open(url: string, admin: Api): Promise<HintedDashboard> {
    const socket = await connectRuns(url, admin.token as string);
    socket.emit('subscribe.all');
    const dashboard = new HintedDashboard(admin, socket);
    socket.socket.on('stats.updated', () => void dashboard.read());
    await dashboard.read();
    return dashboard;
  }

  close(): void {
    this.socket.close();
  }

  /** Reads both again; an older answer never overwrites a newer one. */
  private async read(): Promise<void> {
    const generation = ++this.generation;
    const [stats, workers] = await Promise.all([
      this.admin.get('/api/admin/stats?window=1h'),
      this.admin.get('/api/admin/workers'),
    ]);
    if (generation !== this.generation) return;
    this.stats = stats.body as AdminStats;
    this.workers = workers.body as WorkerInfo[];
  }
}

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

  it('lists every process alive with its role and the runs it executes; a SIGKILLed worker disappears, and the admins are told', async () => {
    const dashboard = await HintedDashboard.open(api.url, admin);
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

    // The idle worker: no run of it comes back to be retried (which would tell the dashboard too), so
    // only the heartbeats can tell that it went.
    const victim = workers.find((w) => w.pid !== holder.pid) as OnwardProcess;
    expect(dashboard.workers.map((w) => w.pid)).toContain(victim.pid);
    await victim.kill();
    const after = await pollUntil(
      list,
      (l) => !l.some((w) => w.pid === victim.pid),
      GONE_WITHIN_MS,
      'the killed worker gone',
    );
    expect(after).toHaveLength(2);
    try {
      const shown = await pollUntil(
        () => Promise.resolve(dashboard.workers),
        (l) => !l.some((w) => w.pid === victim.pid),
        TOLD_WITHIN_MS,
        "the killed worker gone from the admin's dashboard",
      );
      expect(shown.map((w) => w.pid).sort()).toEqual(after.map((w) => w.pid).sort());
    } finally {
      dashboard.close();
    }
    await alice.post(`/api/runs/${run.id}/cancel`);
    await alice.waitFinished(run.id);
  }, 120_000);

  it('adds up the rollup deltas of the worker processes, and tells the admins when their runs finish', async () => {
    const users = await Promise.all([Api.as(api.url, 'alice'), Api.as(api.url, 'bob')]);
    const dashboard = await HintedDashboard.open(api.url, admin);
    // Room for all six runs at once beside the worker left from the test before (two).
    const joining = await cluster.start('worker-3', 'worker', { ONWARD_CONCURRENCY: '4' });
    // A worker that joins is told too; once it is, no change of the processes is left to tell.
    await pollUntil(
      () => Promise.resolve(dashboard.workers),
      (l) => l.some((w) => w.pid === joining.pid),
      TOLD_WITHIN_MS,
      "the new worker on the admin's dashboard",
    );
    expect(completed(dashboard.stats)).toBe(0);
    // Three each (a user's limit), all at once, longer than the hint's interval: the hints of their
    // starts (from the API process, and from the workers) are all sent before the first of them ends,
    // so only the hints of their ends, from the workers that ran them, can show them completed.
    const seconds = STATS_HINT_MS / 1000 + 1;
    await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: 3 }, async () => user.waitFinished((await user.startRun(recalc(seconds))).id)),
      ),
    );
    try {
      await pollUntil(
        () => Promise.resolve(dashboard.stats),
        (s) => completed(s) === 6,
        STATS_HINT_MS + 3_000,
        "the six runs completed on the admin's dashboard",
      );
    } finally {
      dashboard.close();
    }
    const stats = await pollUntil(
      async () => (await admin.get('/api/admin/stats?window=1h')).body as AdminStats,
      (s) => (s.tasks.find((t) => t.task === 'recalculate-prices')?.runs ?? 0) >= 6,
      10_000,
      'six recalculations counted',
    );
    expect(completed(stats)).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
