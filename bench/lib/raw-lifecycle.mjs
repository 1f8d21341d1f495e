// The limit harness of the lifecycle section: N no-op runs through the raw drivers, with the same
// kind of database writes per run as Onward (insert queued -> update running -> update completed).
//   DB=pg:     raw BullMQ (Queue + Worker, concurrency C) + raw pg, in one process (like role "all").
//   DB=sqlite: raw better-sqlite3 (WAL, synchronous=NORMAL) + an in-process pool of C async workers.
// Env: DB, N, CONCURRENCY, INFLIGHT, PG_URL, PG_SCHEMA, REDIS_URL, PREFIX, SQLITE_FILE.
// Prints one JSON line: { n, seconds, perSecond }.
import { randomUUID } from 'node:crypto';

const env = process.env;
const n = Number(env.N);
const concurrency = Number(env.CONCURRENCY);
const inflight = Number(env.INFLIGHT ?? 20);
const nowIso = () => new Date().toISOString();
const COLUMNS = `id varchar(36) primary key, task varchar(100), owner_id varchar(36), status varchar(12),
  parameters text, display text, progress_percent real, result text, created_at varchar(24),
  started_at varchar(24), finished_at varchar(24), version integer`;

async function producer(create) {
  let next = 0;
  const lanes = Array.from({ length: inflight }, async () => {
    while (next < n) {
      next++;
      await create(randomUUID());
    }
  });
  await Promise.all(lanes);
}

async function runPg() {
  const { default: pg } = await import('pg');
  const { Queue, Worker } = await import('bullmq');
  const { default: IORedis } = await import('ioredis');
  const pool = new pg.Pool({ connectionString: env.PG_URL, max: 10, options: `-c search_path=${env.PG_SCHEMA}` });
  await pool.query(`CREATE TABLE IF NOT EXISTS raw_runs (${COLUMNS})`);
  const producerConn = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  const workerConn = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('raw-runs', { connection: producerConn, prefix: env.PREFIX });
  let done = 0;
  let finish;
  const finished = new Promise((r) => (finish = r));
  const worker = new Worker(
    'raw-runs',
    async (job) => {
      await pool.query(`UPDATE raw_runs SET status = 'running', started_at = $2, version = version + 1 WHERE id = $1`, [
        job.data.id,
        nowIso(),
      ]);
      // the no-op handler
      await pool.query(
        `UPDATE raw_runs SET status = 'completed', progress_percent = 100, result = $3, finished_at = $2, version = version + 1 WHERE id = $1`,
        [job.data.id, nowIso(), '{"type":"value","value":null}'],
      );
    },
    { connection: workerConn, prefix: env.PREFIX, concurrency },
  );
  worker.on('completed', () => {
    if (++done === n) finish();
  });
  await worker.waitUntilReady();
  const start = performance.now();
  await producer(async (id) => {
    await pool.query(
      `INSERT INTO raw_runs (id, task, owner_id, status, parameters, display, created_at, version)
       VALUES ($1, 'noop', 'owner', 'queued', '{}', '{}', $2, 1)`,
      [id, nowIso()],
    );
    await queue.add('run', { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
  });
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.close();
  workerConn.disconnect();
  producerConn.disconnect();
  await pool.end();
  return seconds;
}

async function runSqlite() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(env.SQLITE_FILE);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS raw_runs (${COLUMNS})`);
  const insert = db.prepare(
    `INSERT INTO raw_runs (id, task, owner_id, status, parameters, display, created_at, version) VALUES (?, 'noop', 'owner', 'queued', '{}', '{}', ?, 1)`,
  );
  const running = db.prepare(
    `UPDATE raw_runs SET status = 'running', started_at = ?, version = version + 1 WHERE id = ?`,
  );
  const completed = db.prepare(
    `UPDATE raw_runs SET status = 'completed', progress_percent = 100, result = ?, finished_at = ?, version = version + 1 WHERE id = ?`,
  );
  const waiting = [];
  const deferred = () => {
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    return { promise, resolve };
  };
  let pushed = deferred();
  const wake = () => {
    const p = pushed;
    pushed = deferred();
    p.resolve();
  };
  let produced = false;
  let done = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    for (;;) {
      const id = waiting.shift();
      if (id === undefined) {
        if (produced) return;
        await pushed.promise;
        continue;
      }
      running.run(nowIso(), id);
      await new Promise((r) => setImmediate(r)); // the no-op handler
      completed.run('{"type":"value","value":null}', nowIso(), id);
      done++;
    }
  });
  const start = performance.now();
  await producer(async (id) => {
    insert.run(id, nowIso());
    waiting.push(id);
    wake();
    await new Promise((r) => setImmediate(r));
  });
  produced = true;
  wake();
  await Promise.all(workers);
  const seconds = (performance.now() - start) / 1000;
  db.close();
  if (done !== n) throw new Error(`only ${done} of ${n} done`);
  return seconds;
}

const seconds = env.DB === 'sqlite' ? await runSqlite() : await runPg();
console.log(JSON.stringify({ n, seconds, perSecond: n / seconds }));
process.exit(0);
