// The retention sweep under load (SQLite, embedded): does deleting 100,000 expired runs stall starts
// or progress? Seeds N finished top-level runs (1 % of them schedulers with 10 subtasks, 10 % with a
// result folder) straight into the server's SQLite file, then measures, in the same run:
//   keep:  ONWARD_RETENTION=0 (nothing is deleted), the table as large as in `sweep`;
//   sweep: ONWARD_RETENTION=30d with the seeded runs expiring a few seconds after the server is up,
//          so that the sweep deletes all of them while the load runs.
// Load: POST /api/runs (bench-noop) open-loop at --rate for --seconds, latency from the scheduled time
// (no coordinated omission); one bench-noop run reporting progress every 10 ms, whose run.updated
// arrivals on a socket give the progress gaps (Onward sends at most one per 100 ms).
// Usage: node bench/retention.mjs [--runs 100000] [--rate 100] [--seconds 20] [--reps 2]
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';

import {
  cleanupAll,
  median,
  nowMs,
  percentile,
  request,
  round,
  sleep,
  startOnward,
  stopChild,
  tempDir,
} from './lib/util.mjs';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
/**
 * Every connection and statement this script makes, kept until it exits: on this Node 24 build,
 * better-sqlite3 aborts the process (`RemoveEnvironmentCleanupHook … (env) != nullptr`) when the
 * garbage collector destroys a Statement at some moments; never collecting one avoids it.
 */
const pinned = [];

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    reps: { type: 'string', default: '2' },
  },
});
const N = Number(flags.runs);
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const REPS = Number(flags.reps);
const DAY = 86_400_000;
const log = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

const COLUMNS = [
  'id',
  'task',
  'title',
  'kind',
  'owner_id',
  'owner_username',
  'mode',
  'status',
  'parameters',
  'display',
  'progress_percent',
  'progress_message',
  'result',
  'error_message',
  'error_details',
  'parent_id',
  'position',
  'scheduler',
  'created_at',
  'started_at',
  'finished_at',
  'version',
  'attempts',
];

/** Seeds `n` finished top-level runs of `owner`, all finished at `finishedAt`; returns the subtasks made too. */
function seed(file, dataDir, owner, n, finishedAt) {
  // `timeout`, not a busy_timeout pragma: a pragma prepares a statement of its own, dropped at once.
  const db = new Database(file, { timeout: 5000 });
  const insert = db.prepare(`INSERT INTO runs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  pinned.push(db, insert);
  const at = new Date(Date.parse(finishedAt) - 1000).toISOString();
  let subtasks = 0;
  const row = (id, parentId, position, scheduler, result) => [
    id,
    'bench-noop',
    'Benchmark no-op',
    'task',
    owner.id,
    owner.username,
    'background',
    'completed',
    '{}',
    '{}',
    100,
    null,
    result,
    null,
    null,
    parentId,
    position,
    scheduler,
    at,
    at,
    finishedAt,
    3,
    1,
  ];
  const file1k = Buffer.alloc(1024, 'x');
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const scheduler = i % 100 === 0;
      const withFile = i % 10 === 1;
      const result = withFile
        ? JSON.stringify({ type: 'file', fileName: 'seed.txt', contentType: 'text/plain', size: 1024 })
        : JSON.stringify({ type: 'value', value: null });
      insert.run(
        ...row(
          id,
          null,
          null,
          scheduler ? JSON.stringify({ total: 10, completed: 10, failed: 0, cancelled: 0, current: null }) : null,
          result,
        ),
      );
      if (scheduler) {
        for (let p = 0; p < 10; p++)
          insert.run(...row(randomUUID(), id, p, null, JSON.stringify({ type: 'value', value: null })));
        subtasks += 10;
      }
      if (withFile) {
        mkdirSync(join(dataDir, 'results', id), { recursive: true });
        writeFileSync(join(dataDir, 'results', id, 'seed.txt'), file1k);
      }
    }
  })();
  return subtasks;
}

/** Counts the seeded runs still expired-to-be (finished 29 days ago or more), on one read-only connection. */
function seededCounter(file) {
  const db = new Database(file, { readonly: true });
  const statement = db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE parent_id IS NULL AND finished_at < ?`);
  pinned.push(db, statement);
  return () => statement.get(new Date(Date.now() - 29 * DAY).toISOString()).n;
}

/** A fresh installation (Onward's migrations and demo users) and alice's id. */
async function install(name) {
  const dataDir = tempDir(`retention-${name}`);
  const setup = await startOnward(`retention-${name}-setup`, {
    env: { ONWARD_DATA_DIR: dataDir, ONWARD_RETENTION: '0' },
  });
  const login = await request('POST', `${setup.base}/api/auth/login`, {
    body: { username: 'alice', password: 'alice' },
  });
  await stopChild(setup.child);
  return { dataDir, owner: { id: login.json.user.id, username: 'alice' } };
}

async function phase(name, sweep) {
  // Each phase on a fresh installation, so that every one starts from the same table.
  const { dataDir, owner } = await install(name);
  const file = join(dataDir, 'onward.sqlite');
  // sweep: expiring a few seconds after the start, so the sweep begins while the load runs;
  // keep: a day old, kept by either retention.
  const finishedAt = new Date(sweep ? Date.now() - 30 * DAY + 8_000 : Date.now() - DAY).toISOString();
  const seededAt = nowMs();
  const subtasks = seed(file, dataDir, owner, N, finishedAt);
  log(`${name}: seeded ${N} finished runs (+${subtasks} subtasks) in ${round((nowMs() - seededAt) / 1000)} s`);
  const server = await startOnward(`retention-${name}`, {
    env: {
      ONWARD_DATA_DIR: dataDir,
      ONWARD_RETENTION: sweep ? '30d' : '0',
      ONWARD_RETENTION_SWEEP_MS: '500',
      ONWARD_MAX_QUEUED_PER_USER: '1000000',
      ONWARD_LOG_LEVEL: 'log',
    },
  });
  const token = (
    await request('POST', `${server.base}/api/auth/login`, {
      body: { username: owner.username, password: owner.username },
    })
  ).json.accessToken;
  const socket = io(`${server.base}/runs`, { auth: { token }, transports: ['websocket'], forceNew: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const progress = await request('POST', `${server.base}/api/runs`, {
    token,
    body: { task: 'bench-noop', parameters: { ms: (SECONDS + 4) * 1000 }, mode: 'background' },
  });
  const progressId = progress.json.id;
  const arrivals = [];
  socket.on('run.updated', (view) => {
    if (view.id === progressId && view.status === 'running') arrivals.push(nowMs());
  });
  // The sweep's window, from the seeded rows left (a read-only connection does not block the writer).
  const left = [];
  const countSeeded = seededCounter(file);
  const watch = setInterval(() => left.push({ t: nowMs(), n: countSeeded() }), 250);

  await sleep(1000);
  const t0 = nowMs();
  const latencies = [];
  const requests = [];
  const total = RATE * SECONDS;
  let failed = 0;
  for (let i = 0; i < total; i++) {
    const scheduled = t0 + (i * 1000) / RATE;
    const wait = scheduled - nowMs();
    if (wait > 0) await sleep(wait);
    requests.push(
      request('POST', `${server.base}/api/runs`, { token, body: { task: 'bench-noop', parameters: {} } }).then(
        (res) => {
          if (res.status !== 202) failed++;
          latencies.push(nowMs() - scheduled);
        },
        () => failed++,
      ),
    );
  }
  await Promise.all(requests);
  const t1 = nowMs();
  // The sweep goes on after the load: its whole duration is reported too (bounded).
  for (const deadline = nowMs() + 180_000; sweep && nowMs() < deadline && left.at(-1)?.n !== 0;) await sleep(250);
  clearInterval(watch);
  socket.close();
  await stopChild(server.child);

  const inWindow = arrivals.filter((t) => t >= t0 && t <= t1);
  const gaps = inWindow
    .slice(1)
    .map((t, i) => t - inWindow[i])
    .sort((a, b) => a - b);
  const sorted = latencies.sort((a, b) => a - b);
  const start = left.find((s) => s.n < N && s.n > 0) ?? left.find((s) => s.n === 0);
  const end = left.find((s) => s.n === 0);
  const result = {
    name,
    startP50: percentile(sorted, 50),
    startP99: percentile(sorted, 99),
    startMax: sorted[sorted.length - 1],
    failed,
    gapP99: percentile(gaps, 99),
    gapMax: gaps[gaps.length - 1],
    updates: inWindow.length,
    sweep: sweep
      ? {
          beganAfterLoadStartS: start ? round((start.t - t0) / 1000) : null,
          tookS: start && end ? round((end.t - start.t) / 1000) : null,
          perSecond: start && end ? round(N / ((end.t - start.t) / 1000)) : null,
          leftAtEnd: (left.filter((sample) => sample.t <= t1).at(-1) ?? left[0])?.n,
        }
      : null,
  };
  log(
    `${name}: POST p50 ${round(result.startP50)} ms, p99 ${round(result.startP99)} ms, max ${round(result.startMax)} ms` +
      `${failed ? `, ${failed} failed` : ''}; progress gap p99 ${round(result.gapP99)} ms, max ${round(result.gapMax)} ms (${result.updates} updates)` +
      (result.sweep
        ? `; sweep began ${result.sweep.beganAfterLoadStartS} s into the load, took ${result.sweep.tookS} s (${result.sweep.perSecond} runs/s), ${result.sweep.leftAtEnd} left when the load ended`
        : ''),
  );
  return result;
}

async function main() {
  const results = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const sweep of rep % 2 ? [true, false] : [false, true]) {
      results.push(await phase(`${sweep ? 'sweep' : 'keep'}-${rep + 1}`, sweep));
    }
  }
  const of = (name, key) => median(results.filter((r) => r.name.startsWith(name)).map((r) => r[key]));
  console.log(`\nmedian of ${REPS} repetitions      | keep (no sweep) | sweep    | ratio`);
  for (const key of ['startP50', 'startP99', 'startMax', 'gapP99', 'gapMax']) {
    const a = of('keep', key);
    const b = of('sweep', key);
    console.log(
      `${key.padEnd(32)} | ${String(round(a)).padStart(12)} ms | ${String(round(b)).padStart(5)} ms | ${round(b / a, 2)}×`,
    );
  }
  const swept = results.filter((r) => r.sweep).map((r) => N - r.sweep.leftAtEnd);
  console.log(`runs deleted during the ${SECONDS} s of load: ${swept.join(', ')} of ${N}`);
}

try {
  await main();
} finally {
  await cleanupAll();
}
