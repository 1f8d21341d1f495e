import type { AdminStats, WorkerInfo } from '@onward/task-domain';

import { Api, pollUntil, recalc, salesReport } from './support/api';
import { expectError, expectFieldError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { connectRuns, type RunsSocket } from './support/sockets';

const sum = (stats: AdminStats, key: 'started' | 'completed' | 'failed' | 'cancelled'): number =>
  stats.buckets.reduce((total, bucket) => total + bucket[key], 0);

describeEachDatabase('admin stats and workers', (db) => {
  const server = useServer(db);
  let alice: Api;
  let admin: Api;
  let adminSocket: RunsSocket;

  beforeAll(async () => {
    [alice, admin] = await Promise.all([Api.as(server.url, 'alice'), Api.as(server.url, 'admin')]);
    adminSocket = await connectRuns(server.url, admin.token as string);
    adminSocket.emit('subscribe.all');
  }, 60_000);

  afterAll(() => adminSocket?.close());

  const stats = async (window = '1h'): Promise<AdminStats> => {
    const res = await admin.get(`/api/admin/stats?window=${window}`);
    expect(res.status).toBe(200);
    return res.body as AdminStats;
  };

  it('403 for users who are not admins, 401 without a token', async () => {
    expectError(await alice.get('/api/admin/stats'), 403);
    expectError(await alice.get('/api/admin/workers'), 403);
    expectError(await Api.anonymous(server.url).get('/api/admin/stats'), 401);
    expectError(await Api.anonymous(server.url).get('/api/admin/workers'), 401);
  });

  it('400 naming window for a window it does not know', async () => {
    for (const window of ['2h', '', '1H', '24h,7d']) {
      expectFieldError(await admin.get(`/api/admin/stats?window=${encodeURIComponent(window)}`), 'window');
    }
  });

  it('answers each window with its buckets, ending with the current one', async () => {
    for (const [window, count, ms] of [
      ['1h', 60, 60_000],
      ['24h', 24, 3_600_000],
      ['7d', 7, 86_400_000],
    ] as const) {
      const body = await stats(window);
      expect(body.buckets).toHaveLength(count);
      const last = Date.parse(body.buckets[count - 1].at);
      expect(last).toBeLessThanOrEqual(Date.now());
      expect(last).toBeGreaterThan(Date.now() - ms - 5_000);
      expect(Date.parse(body.buckets[1].at) - Date.parse(body.buckets[0].at)).toBe(ms);
      expect(body).toEqual(expect.objectContaining({ queued: expect.any(Number), running: expect.any(Number) }));
    }
    expect((await stats()).window).toBe('1h');
  });

  it('counts runs as they start and finish, with durations, failures and their messages', async () => {
    const before = await stats();
    const hinted = adminSocket.waitFor('stats.updated', () => true, 20_000);
    await Promise.all([
      alice.runToEnd(recalc(0.5)),
      alice.runToEnd(recalc(0.5)),
      alice.runToEnd(salesReport('Nobody')),
    ]);
    const long = await alice.startRun(recalc(30));
    let cancelled = 0;
    try {
      await alice.pollRun(long.id, (run) => run.status === 'running');
      const during = await pollUntil(
        () => stats(),
        (s) => sum(s, 'completed') >= sum(before, 'completed') + 2 && sum(s, 'failed') >= sum(before, 'failed') + 1,
        10_000,
        'the finished runs in the rollup',
      );
      expect(during.running).toBeGreaterThanOrEqual(1);
      expect(sum(during, 'started')).toBeGreaterThanOrEqual(sum(before, 'started') + 4);
      const recalcStats = during.tasks.find((t) => t.task === 'recalculate-prices');
      expect(recalcStats?.p50Ms).toBeGreaterThanOrEqual(300);
      expect(recalcStats?.p50Ms).toBeLessThan(5_000);
      expect(during.tasks.find((t) => t.task === 'sales-report')?.failed).toBeGreaterThanOrEqual(1);
      expect(during.topErrors.find((e) => e.task === 'sales-report')?.message).toMatch(/Nobody/);
      await hinted;
    } finally {
      // Cancelled whatever happened above: a run left running would fail the next test too.
      cancelled = (await alice.post(`/api/runs/${long.id}/cancel`)).status;
      await alice.waitFinished(long.id);
    }
    expect(cancelled).toBe(202);
    const after = await pollUntil(
      () => stats('24h'),
      (s) => sum(s, 'cancelled') >= 1 && s.running === 0,
      10_000,
      'the cancelled run in the rollup',
    );
    expect(after.tasks.find((t) => t.task === 'recalculate-prices')?.runs).toBeGreaterThanOrEqual(3);
  });

  it('lists this server process with what it runs', async () => {
    const long = await alice.startRun(recalc(30));
    await alice.pollRun(long.id, (run) => run.status === 'running');
    const workers = await pollUntil(
      async () => (await admin.get('/api/admin/workers')).body as WorkerInfo[],
      (list) => list.some((w) => w.running.includes(long.id)),
      10_000,
      'the run in its process',
    );
    expect(workers).toHaveLength(1);
    expect(workers[0]).toEqual({
      id: expect.any(String),
      host: expect.any(String),
      pid: process.pid,
      role: 'all',
      startedAt: expect.any(String),
      lastSeenAt: expect.any(String),
      running: [long.id],
    });
    await alice.post(`/api/runs/${long.id}/cancel`);
    await alice.waitFinished(long.id);
  });
});
