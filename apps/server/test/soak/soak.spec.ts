import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

import { Api, type DemoUser } from '../support/api';
import { timeOfDay } from '../support/clock';
import { type RunPage, type RunResult, type RunView, isFinished } from '../support/contract';
import { postgresQuery } from '../support/databases';
import { Cluster, type OnwardProcess, prepareCluster } from '../cluster/support/cluster';
import { RedisServer, describeWithRedisServer } from '../cluster/support/redis-server';
import { type LedgerEntry, Random, SoakLoad, USERS, download, fileProblem } from './support/load';
import { MemorySampler } from './support/memory';
import { soakPlan } from './support/plan';
import { SocketSwarm } from './support/swarm';
import type { DeletedRun, ExpectedRun, SwarmCheck, SwarmStats } from './support/swarm-protocol';
import { formatTable } from './support/table';

// The load-and-fault suite: 2 API processes and 2 workers (the built server) on PostgreSQL and a
// private redis-server, several users' mixed load over both API processes, 200 Socket.IO clients,
// one worker SIGKILLed and restarted every period and Redis restarted once. At the end every run is
// accounted for. `ONWARD_SOAK_SECONDS` sets the length: 60 in `npm test`, 600 in `npm run test:soak`.
const plan = soakPlan();
const seed = Number(process.env['ONWARD_SOAK_SEED'] ?? Date.now() % 1_000_000);
// Workers log each run's start and end (debug), API processes their Redis reconnections (log), so that
// a socket problem can be traced in their logs.
const WORKER_ENV = { ONWARD_CONCURRENCY: '4', ONWARD_USER_CONCURRENCY: '3', ONWARD_LOG_LEVEL: 'debug' };
const API_ENV = { ONWARD_LOG_LEVEL: 'log' };
/** Memory bound: a process fails the soak only when it outgrows both 3× its baseline and +300 MB. */
const MEMORY_FACTOR = 3;
const MEMORY_PLUS_MB = 300;
/** How long Redis stays away in its restart. */
const REDIS_AWAY_MS = 3_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (text: string): boolean => process.stderr.write(`[soak] ${text}\n`);

interface Kill {
  at: number;
  process: string;
  pid: number;
  restartMs: number;
}

async function health(url: string): Promise<{ status: number; queue?: string }> {
  try {
    const res = await request(url).get('/health').timeout(5_000);
    return { status: res.status, queue: (res.body as { queue?: string }).queue };
  } catch {
    return { status: 0 };
  }
}

async function until(what: string, withinMs: number, condition: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > withinMs) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await sleep(200);
  }
  return Date.now() - started;
}

/** Every id of a paged listing (`path` with its query, without limit/cursor), in order. */
async function walk(api: Api, path: string): Promise<RunView[]> {
  const views: RunView[] = [];
  let cursor: string | null = null;
  const join = path.includes('?') ? '&' : '?';
  do {
    const url = `${path}${join}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api.get(url).timeout(30_000);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const page = res.body as RunPage;
    views.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return views;
}

/** Runs `work` over `items`, `parallel` at a time. */
async function eachLimited<T>(items: T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function failureKind(run: RunView): string {
  const message = run.error?.message ?? '';
  if (/^Unknown customer/.test(message)) return 'unknown customer';
  if (/Interrupted/i.test(message)) return 'interrupted';
  if (/subtasks? failed/.test(message)) return 'subtasks failed';
  return `other: ${message}`;
}

describeWithRedisServer(`soak: ${plan.seconds} s of mixed load with worker kills and a Redis restart`, () => {
  let redis: RedisServer;
  let cluster: Cluster;
  let apis: OnwardProcess[] = [];
  let stableWorker: OnwardProcess;
  let victim: OnwardProcess;
  let victimGeneration = 1;
  let swarm: SocketSwarm | undefined;
  let sampler: MemorySampler | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
    await prepareCluster(redis.url);
    cluster = new Cluster({ redisUrl: redis.url, disposableRedis: true });
    // The first process migrates and seeds; the others start together.
    const apiA = await cluster.start('api-A', 'api', API_ENV);
    const [apiB, workerA, workerB] = await Promise.all([
      cluster.start('api-B', 'api', API_ENV),
      cluster.start('worker-A', 'worker', WORKER_ENV),
      cluster.start('worker-B#1', 'worker', WORKER_ENV),
    ]);
    apis = [apiA, apiB];
    stableWorker = workerA;
    victim = workerB;
  }, 300_000);

  afterAll(async () => {
    sampler?.stop();
    await swarm?.close();
    try {
      await cluster?.teardown();
    } finally {
      await redis?.dispose();
    }
  }, 120_000);

  it(
    'leaves every run in exactly one final state, listed once, its file downloadable, its sockets up to date',
    async () => {
      const problems: string[] = [];
      const [apiA, apiB] = apis as [OnwardProcess, OnwardProcess];
      const clients = {} as Record<DemoUser, Api[]>;
      for (const user of USERS) {
        const onA = await Api.as(apiA.url, user);
        clients[user] = [onA, new Api(apiB.url, onA.token, onA.login)];
      }
      const [adminApi] = clients.admin as [Api];

      // 200 sockets over both API processes; some of the admin's ask for every user's runs.
      const perUser = Math.floor(plan.sockets / USERS.length);
      const adminSockets = plan.sockets - perUser * (USERS.length - 1);
      swarm = await SocketSwarm.start({
        urls: apis.map((p) => p.url),
        users: USERS.map((user) => ({
          name: user,
          token: clients[user][0]?.token as string,
          sockets: user === 'admin' ? adminSockets : perUser,
          subscribeAll: user === 'admin' ? Math.min(8, adminSockets) : 0,
        })),
      });
      const swarmPid = swarm.pid;
      sampler = new MemorySampler(() => [
        ...apis.map((p) => ({ name: p.name, pid: p.pid })),
        { name: stableWorker.name, pid: stableWorker.pid },
        { name: victim.name, pid: victim.pid },
        { name: 'socket swarm (test)', pid: swarmPid },
      ]);
      sampler.start(5_000);

      const load = new SoakLoad(clients, new Random(seed));
      progress(
        `seed ${seed}: ${plan.warmupSeconds} s warm-up, then ${plan.seconds} s of load; worker kills at ` +
          `${plan.killsAt.join(', ')} s, Redis restart at ${plan.redisRestartAt} s; ${plan.sockets} sockets`,
      );
      await load.run(plan.warmupSeconds);
      sampler.markBaseline();

      // The load, and the faults on their schedule.
      const kills: Kill[] = [];
      let redisFault: { at: number; downMs: number; healthyMs: number } | null = null;
      const loadStarted = Date.now();
      const elapsed = (): number => Math.round((Date.now() - loadStarted) / 100) / 10;
      // Two independent chains, so that a slow worker start does not push the Redis restart around.
      const killChain = async (): Promise<void> => {
        for (const killAt of plan.killsAt) {
          await sleep(loadStarted + killAt * 1000 - Date.now());
          const killed = victim;
          const at = elapsed();
          const killedAt = Date.now();
          await killed.kill();
          const t0 = Date.now();
          victim = await cluster.start(`worker-B#${++victimGeneration}`, 'worker', WORKER_ENV);
          kills.push({ at, process: killed.name, pid: killed.pid, restartMs: Date.now() - t0 });
          progress(
            `t=${at} s (${timeOfDay(killedAt)}): SIGKILLed ${killed.name} (pid ${killed.pid}); ${victim.name} was up ` +
              `at t=${elapsed()} s (${timeOfDay(Date.now())})`,
          );
        }
      };
      const redisRestart = async (): Promise<void> => {
        await sleep(loadStarted + plan.redisRestartAt * 1000 - Date.now());
        const at = elapsed();
        load.outageStarted();
        await redis.stop();
        const stopped = Date.now();
        await until('both API processes to report the queue down', 30_000, async () =>
          (await Promise.all(apis.map((p) => health(p.url)))).every((h) => h.status === 503),
        );
        // Away for a few seconds, as a real restart is: longer than a lock renewal, with load going on.
        await sleep(REDIS_AWAY_MS - (Date.now() - stopped));
        await redis.start();
        const back = Date.now();
        const downMs = back - stopped;
        const healthyMs = await until('both API processes to report healthy again', 60_000, async () =>
          (await Promise.all(apis.map((p) => health(p.url)))).every((h) => h.status === 200),
        );
        load.outageEnded();
        redisFault = { at, downMs, healthyMs };
        progress(
          `t=${at} s: Redis stopped at ${timeOfDay(stopped)}, back at ${timeOfDay(back)}, both APIs healthy at ` +
            `${timeOfDay(back + healthyMs)}`,
        );
      };
      const faults = (): Promise<unknown> => Promise.all([killChain(), redisRestart()]);
      const ticker = setInterval(() => {
        void swarm
          ?.stats()
          .then((s) =>
            progress(
              `t=${elapsed()} s: ${load.ledger.size} runs created, ${s.connected}/${s.sockets} sockets connected, ` +
                `${s.updates} updates received`,
            ),
          )
          .catch(() => undefined);
      }, 30_000);
      try {
        await Promise.all([load.run(plan.seconds), faults()]);
      } finally {
        clearInterval(ticker);
      }
      const loadSeconds = elapsed();

      // Drain: every run the load left unfinished must finish, within a bound.
      const drainStarted = Date.now();
      let unfinished: RunView[] = [];
      for (;;) {
        unfinished = await walk(adminApi, '/api/admin/runs?status=queued,running,cancelling');
        if (unfinished.length === 0 || Date.now() - drainStarted > plan.drainSeconds * 1000) break;
        await sleep(500);
      }
      const drainSeconds = Math.round((Date.now() - drainStarted) / 100) / 10;
      for (const run of unfinished) {
        problems.push(
          `run ${run.id} (${run.owner.username} ${run.task}) still ${run.status} ${drainSeconds} s after the load ` +
            `stopped: ${JSON.stringify(run.progress)}, started ${run.startedAt}`,
        );
      }
      sampler.sample();
      sampler.stop();
      const swarmStats = await swarm.stats();

      // No process died but those the soak killed.
      const killedNames = new Set(kills.map((k) => k.process));
      for (const p of cluster.processes) {
        if (!p.alive && !killedNames.has(p.name)) {
          problems.push(`${p.name} (pid ${p.pid}) exited by itself:\n${p.log.slice(-2_000)}`);
        }
      }
      const logDir = mkdtempSync(join(tmpdir(), `onward-soak-${seed}-`));
      for (const p of cluster.processes) writeFileSync(join(logDir, `${p.name}.log`), p.log);

      // Every user's list: no duplicates, every run of the ledger exactly once unless deleted.
      const ledger = [...load.ledger.values()];
      const listed = new Map<string, number>();
      for (const user of USERS) {
        const views = await walk(clients[user][0] as Api, '/api/runs');
        const ids = views.map((v) => v.id);
        const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
        if (duplicates.length) problems.push(`${user}'s list shows ${duplicates.join(', ')} more than once`);
        for (const id of ids) listed.set(id, (listed.get(id) ?? 0) + 1);
        for (const view of views) {
          const entry = load.ledger.get(view.id);
          if (entry && entry.owner !== user) problems.push(`${user}'s list shows ${entry.owner}'s run ${view.id}`);
        }
      }
      const everyone = await walk(adminApi, '/api/admin/runs');
      const everyoneIds = new Set(everyone.map((v) => v.id));
      if (everyoneIds.size !== everyone.length) problems.push('the admin list shows a run more than once');
      if (everyone.length !== [...listed.values()].reduce((a, b) => a + b, 0)) {
        problems.push(`the admin list holds ${everyone.length} runs, the users' lists ${listed.size}`);
      }
      const unknown = [...listed.keys()].filter((id) => !load.ledger.has(id));
      if (unknown.length > load.uncertainCreates) {
        problems.push(
          `${unknown.length} listed runs were never created by the load: ${unknown.slice(0, 5).join(', ')}`,
        );
      }

      // Every run of the ledger: its final state, its children, its result.
      const expected: ExpectedRun[] = [];
      const deleted: DeletedRun[] = [];
      const files: { owner: DemoUser; run: RunView }[] = [];
      const failures = new Map<string, number>();
      await eachLimited(ledger, 4, async (entry) => {
        const api = clients[entry.owner][0] as Api;
        const res = await api.get(`/api/runs/${entry.id}`).timeout(30_000);
        if (entry.deleted) {
          deleted.push({ id: entry.id, owner: entry.owner });
          if (res.status !== 404) problems.push(`deleted run ${entry.id} answers ${res.status}, not 404`);
          if (listed.has(entry.id)) problems.push(`deleted run ${entry.id} is still listed`);
          return;
        }
        if (res.status !== 200) {
          problems.push(`run ${entry.id} (${entry.task}) was lost: GET answers ${res.status}`);
          return;
        }
        const run = res.body as RunView;
        const count = listed.get(entry.id) ?? 0;
        if (count !== 1) problems.push(`run ${entry.id} (${entry.task}) is listed ${count} times`);
        const what = `run ${entry.id} (${entry.owner} ${entry.task}${entry.rows ? `, ${entry.rows} rows` : ''})`;
        if (!isFinished(run.status)) return; // reported by the drain
        if (!run.finishedAt) problems.push(`${what} is ${run.status} without finishedAt`);
        if (entry.cancelAccepted && run.status !== 'cancelled') {
          problems.push(`${what} was cancelled (202) but ended ${run.status}: ${run.error?.message ?? ''}`);
        }
        if (run.status === 'failed') {
          const kind = failureKind(run);
          failures.set(kind, (failures.get(kind) ?? 0) + 1);
          if (kind.startsWith('other')) problems.push(`${what} failed unexpectedly: ${run.error?.message}`);
          if (kind === 'unknown customer' && !entry.unknownCustomer) problems.push(`${what}: ${run.error?.message}`);
          if (
            entry.unknownCustomer &&
            kind === 'unknown customer' &&
            !run.error?.message.includes(entry.unknownCustomer)
          )
            problems.push(`${what} failed without naming the customer: ${run.error?.message}`);
        }
        if (run.status === 'completed' && entry.unknownCustomer)
          problems.push(`${what} completed for an unknown customer`);
        if (run.status === 'completed') {
          if (!run.result) problems.push(`${what} completed without a result`);
          else if (run.result.type !== 'file' && entry.task === 'sales-report' && !entry.rows)
            problems.push(`${what} completed with a value, not a PDF`);
        }
        // A failed scheduler's zip too.
        if (run.result?.type === 'file') files.push({ owner: entry.owner, run });
        const lastChange = (r: RunView): number => Date.parse(r.finishedAt ?? r.createdAt);
        expected.push({
          id: run.id,
          owner: entry.owner,
          version: run.version,
          status: run.status,
          lastChange: lastChange(run),
        });
        if (entry.rows) {
          const children = run.children ?? [];
          if (children.length !== entry.rows) problems.push(`${what} has ${children.length} subtasks`);
          const counts = { completed: 0, failed: 0, cancelled: 0 };
          for (const child of children) {
            expected.push({
              id: child.id,
              owner: entry.owner,
              version: child.version,
              status: child.status,
              lastChange: lastChange(child),
            });
            if (!isFinished(child.status)) {
              problems.push(
                `${what}, ${run.status} (${run.error?.message ?? run.progress.message}): subtask ${child.id} is still ` +
                  `${child.status} (${child.progress.message}, started ${child.startedAt})`,
              );
              continue;
            }
            counts[child.status as keyof typeof counts]++;
            if (child.status === 'completed' && child.result?.type === 'file')
              files.push({ owner: entry.owner, run: child });
            if (child.status === 'failed' && !/^Unknown customer|Interrupted/.test(child.error?.message ?? '')) {
              problems.push(`${what}: subtask ${child.id} failed unexpectedly: ${child.error?.message}`);
            }
          }
          const s = run.scheduler;
          if (
            !s ||
            s.total !== entry.rows ||
            s.completed !== counts.completed ||
            s.failed !== counts.failed ||
            s.cancelled !== counts.cancelled
          ) {
            problems.push(
              `${what}: scheduler counts ${JSON.stringify(s)} disagree with its subtasks ${JSON.stringify(counts)}`,
            );
          }
        }
      });

      // Every completed report's file downloads, whole.
      await eachLimited(files, 4, async ({ owner, run }) => {
        const res = await download(clients[owner][0] as Api, run.id);
        const problem = fileProblem(res, run.result as Extract<RunResult, { type: 'file' }>);
        if (problem) problems.push(`the result of ${run.task} ${run.id} ${problem}`);
      });

      // What the database holds, subtasks included: final statuses only.
      const stored = await postgresQuery<{ status: string; top: boolean; task: string; n: number }>(
        `SELECT status, parent_id IS NULL AS top, task, count(*)::int AS n FROM "${cluster.name}".runs GROUP BY 1, 2, 3`,
      );
      for (const row of stored) {
        if (!isFinished(row.status as RunView['status']))
          problems.push(`${row.n} ${row.top ? '' : 'sub'}runs of ${row.task} are stored ${row.status}`);
      }

      // Result files on disk belong to runs with a file result only (completed, or a failed scheduler's
      // zip); a failed, cancelled or deleted run's go.
      const withFiles = new Set(
        (
          await postgresQuery<{ id: string }>(
            `SELECT id FROM "${cluster.name}".runs WHERE result LIKE '%"type":"file"%'`,
          )
        ).map((r) => r.id),
      );
      const resultsDir = join(cluster.dataDir, 'results');
      const folders = existsSync(resultsDir) ? readdirSync(resultsDir) : [];
      const orphans = folders.filter((id) => !withFiles.has(id));
      for (const id of orphans.slice(0, 10)) {
        const [stored] = await postgresQuery<{ status: string; task: string; parent_id: string | null }>(
          `SELECT status, task, parent_id FROM "${cluster.name}".runs WHERE id = $1`,
          [id],
        );
        const entry = load.ledger.get(id);
        const files = readdirSync(join(resultsDir, id));
        problems.push(
          `result folder of run ${id} (${files.join(', ') || 'empty'}) outlived it: ` +
            (stored
              ? `it is ${stored.status} (${stored.task}${stored.parent_id ? `, subtask of ${stored.parent_id}` : ''})`
              : `deleted${entry ? ` (${entry.task} of ${entry.owner}${entry.cancelAccepted ? ', cancelled first' : ''})` : ''}`),
        );
      }

      // The sockets: each holds every run's stored final version.
      const socketCheck: SwarmCheck = await swarm.check(expected, deleted);
      const socketProblems =
        socketCheck.missing +
        socketCheck.stale +
        socketCheck.mismatched +
        socketCheck.ahead +
        socketCheck.deletesMissing;
      if (socketProblems > 0) {
        problems.push(
          `sockets out of date: ${JSON.stringify({ ...socketCheck, examples: undefined })}\n    ${socketCheck.examples.join('\n    ')}`,
        );
      }
      if (swarmStats.connected !== plan.sockets) {
        problems.push(`${plan.sockets - swarmStats.connected} sockets were disconnected at the end`);
      }

      for (const excess of sampler.excessive(MEMORY_FACTOR, MEMORY_PLUS_MB)) problems.push(excess);
      for (const anomaly of load.anomalies) problems.push(`during the load: ${anomaly}`);

      console.log(
        report({
          loadSeconds,
          drainSeconds,
          ledger,
          stored,
          failures,
          files: files.length,
          orphans: orphans.length,
          logDir,
          load,
          kills,
          redisFault,
          sampler,
          swarmStats,
          socketCheck,
          problems,
        }),
      );
      expect(problems).toEqual([]);
    },
    (plan.warmupSeconds + plan.seconds + plan.drainSeconds + 600) * 1000,
  );
});

interface ReportInput {
  loadSeconds: number;
  drainSeconds: number;
  ledger: LedgerEntry[];
  stored: { status: string; top: boolean; task: string; n: number }[];
  failures: Map<string, number>;
  files: number;
  orphans: number;
  logDir: string;
  load: SoakLoad;
  kills: Kill[];
  redisFault: { at: number; downMs: number; healthyMs: number } | null;
  sampler: MemorySampler;
  swarmStats: SwarmStats;
  socketCheck: SwarmCheck;
  problems: string[];
}

function report(input: ReportInput): string {
  const { load, ledger } = input;
  const statuses = ['completed', 'failed', 'cancelled', 'queued', 'running', 'cancelling'];
  const byTask = new Map<string, Record<string, unknown>>();
  for (const row of input.stored) {
    const key = `${row.task}${row.top ? '' : ' (subtasks)'}`;
    const line = byTask.get(key) ?? { runs: key, ...Object.fromEntries(statuses.map((s) => [s, 0])), total: 0 };
    line[row.status] = (line[row.status] as number) + row.n;
    line['total'] = (line['total'] as number) + row.n;
    byTask.set(key, line);
  }
  const requests = [...load.counts.entries()].map(([kind, outcomes]) => ({
    request: kind,
    // Named, not bare numbers: an object lists integer-like keys before every other key.
    ...Object.fromEntries([...outcomes.entries()].sort().map(([status, n]) => [`HTTP ${status}`, n])),
  }));
  const lines = [
    '',
    `══ Onward soak: ${plan.seconds} s of load (seed ${seed}) after a ${plan.warmupSeconds} s warm-up; ` +
      `load ran ${input.loadSeconds} s, the queue drained in ${input.drainSeconds} s`,
    '',
    formatTable('Stored runs by final state (deleted runs are gone)', [...byTask.values()]),
    `Ledger: ${ledger.length} top-level runs created (${ledger.filter((e) => e.rows).length} schedulers), ` +
      `${ledger.filter((e) => e.deleted).length} deleted, ${ledger.filter((e) => e.cancelAccepted).length} cancels ` +
      `accepted, ${load.cancelsTooLate} cancels came too late, ${load.uncertainCreates} POSTs without an answer; ` +
      `failures: ${JSON.stringify(Object.fromEntries(input.failures))}`,
    `Downloads: ${load.downloadsChecked} during the load, ${input.files} result files at the end (every one checked); ` +
      `${input.orphans} result folders of runs without a file result`,
    '',
    formatTable('Requests by answer', requests),
    formatTable(
      `Worker kills (every ${plan.killEvery} s): ${input.kills.length}`,
      input.kills.map((k) => ({
        't (s)': k.at,
        SIGKILL: `${k.process} pid ${k.pid}`,
        'replacement ready (ms)': k.restartMs,
      })),
    ),
    input.redisFault
      ? `Redis restarts: 1 at t=${input.redisFault.at} s, away ${input.redisFault.downMs} ms, both APIs healthy ` +
        `${input.redisFault.healthyMs} ms after it was back`
      : 'Redis restarts: 0',
    '',
    formatTable(
      `Memory (VmRSS; bound: ${MEMORY_FACTOR}× and +${MEMORY_PLUS_MB} MB for the processes that lived through the soak)`,
      input.sampler.rows() as unknown as Record<string, unknown>[],
    ),
    `Sockets: ${JSON.stringify(input.swarmStats)}`,
    `Process logs: ${input.logDir}`,
    `Socket check: ${JSON.stringify({ ...input.socketCheck, examples: undefined })}`,
    '',
    input.problems.length === 0
      ? 'No problems found.'
      : `${input.problems.length} problems:\n  ${input.problems.slice(0, 40).join('\n  ')}`,
  ];
  return lines.join('\n');
}
