// The limit harness of the lifecycle section: no-op runs through the raw drivers, with the same
// database writes per run as Onward (insert queued -> claim running -> complete, to the same table shape), created
// over the same kind of HTTP request as Onward's POST /api/runs (a bare node:http route).
//   DB=pg:     raw BullMQ (Queue + Worker, concurrency C) + raw pg, in one process (like role "all").
//   DB=sqlite: raw better-sqlite3 (WAL, synchronous=FULL as Onward, or RAW_SQLITE_SYNCHRONOUS=NORMAL) + an in-process pool of C async workers.
// HTTP=nest serves the same route from a bare NestJS app instead (the framework floor).
// Env: DB, HTTP, PORT, CONCURRENCY, PG_URL, PG_SCHEMA, REDIS_URL, PREFIX, SQLITE_FILE. Prints "ready".
// IPC: { cmd: 'reset' } -> forget completions; { cmd: 'wait', n } -> { lastDoneAt } once n runs completed.
import { randomUUID } from 'node:crypto';
import http from 'node:http';

const env = process.env;
const concurrency = Number(env.CONCURRENCY);
const nowMs = () => performance.timeOrigin + performance.now();
const nowIso = () => new Date().toISOString();
// The runs table of Onward's migration (apps/server/src/app/database/migrations), with its six
// indexes (the two partial ones of the per-user cap and the retention sweep included): the limit
// harness writes the same rows to the same table shape, so each write maintains the same B-trees as
// Onward's.
const COLUMNS = `id varchar(36) primary key, task varchar(100) not null, title varchar(200) not null,
  kind varchar(10) not null, owner_id varchar(36) not null, owner_username varchar(100) not null,
  mode varchar(12) not null, status varchar(12) not null, parameters text not null, display text not null,
  progress_percent real, progress_message varchar(500), result text, error_message text,
  error_details text, parent_id varchar(36), position integer, scheduler text,
  created_at varchar(24) not null, started_at varchar(24), finished_at varchar(24),
  version integer not null, attempts integer not null default 0`;
const INDEXES = [
  'CREATE INDEX IF NOT EXISTS raw_runs_owner_list ON raw_runs (owner_id, parent_id, created_at)',
  'CREATE INDEX IF NOT EXISTS raw_runs_list ON raw_runs (parent_id, created_at)',
  'CREATE INDEX IF NOT EXISTS raw_runs_status ON raw_runs (status)',
  'CREATE INDEX IF NOT EXISTS raw_runs_parent_position ON raw_runs (parent_id, position)',
  "CREATE INDEX IF NOT EXISTS raw_runs_owner_queued ON raw_runs (owner_id) WHERE status = 'queued' AND parent_id IS NULL",
  'CREATE INDEX IF NOT EXISTS raw_runs_top_finished ON raw_runs (finished_at) WHERE parent_id IS NULL AND finished_at IS NOT NULL',
];
// The three statements of a run, as Onward issues them (placeholders ? or $n by driver). The start
// keeps the contract's cap on a user's queued runs (ONWARD_MAX_QUEUED_PER_USER; the bench sets it to
// a million): on PostgreSQL the INSERT is made only while the owner has fewer queued runs, counted
// along the partial index (RunStatements.insertWithinCap); on SQLite the count is a statement of its
// own before the INSERT (RunStatements.countQueued). Claim and completion test the status without
// an index on it, as Onward does (RunStatements.claim).
const OWNER = '00000000-0000-4000-8000-000000000001';
const CAP = 1_000_000;
const ROW = `?, 'bench-noop', 'Benchmark no-op', 'task', '${OWNER}', 'alice', 'background', 'queued', ?, '{}', ?, 1, 0`;
const INSERT_COLUMNS = `raw_runs (id, task, title, kind, owner_id, owner_username, mode, status, parameters,
  display, created_at, version, attempts)`;
const QUEUED = `SELECT 1 FROM raw_runs WHERE owner_id = '${OWNER}' AND status = 'queued' AND parent_id IS NULL LIMIT ${CAP}`;
const INSERT_PG = `INSERT INTO ${INSERT_COLUMNS} SELECT ${ROW} WHERE (SELECT COUNT(*) FROM (${QUEUED}) AS q) < ${CAP} RETURNING id`;
const INSERT = `INSERT INTO ${INSERT_COLUMNS} VALUES (${ROW})`;
const COUNT_QUEUED = `SELECT COUNT(*) AS queued FROM (${QUEUED.replace('raw_runs', 'raw_runs INDEXED BY raw_runs_owner_queued')}) AS q`;
const CLAIM = `UPDATE raw_runs SET status = 'running', started_at = COALESCE(started_at, ?), attempts = attempts + 1,
  version = version + 1 WHERE id = ? AND status || '' = 'queued' RETURNING *`;
const COMPLETE = `UPDATE raw_runs SET result = ?, progress_percent = 100, finished_at = ?, status = 'completed',
  version = version + 1 WHERE id = ? AND status || '' IN ('running') RETURNING *`;
/** `?` placeholders as PostgreSQL's `$1, $2, …`. */
const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};
const RESULT = '{"type":"value","value":null}';

let done = 0;
let lastDoneAt = 0;
let waiters = [];
function completed() {
  done++;
  lastDoneAt = nowMs();
  waiters = waiters.filter((w) => (done >= w.n ? (w.resolve({ lastDoneAt }), false) : true));
}

async function setupPg() {
  const { default: pg } = await import('pg');
  const { Queue, Worker } = await import('bullmq');
  const { default: IORedis } = await import('ioredis');
  const pool = new pg.Pool({ connectionString: env.PG_URL, max: 10, options: `-c search_path=${env.PG_SCHEMA}` });
  await pool.query(`CREATE TABLE IF NOT EXISTS raw_runs (${COLUMNS})`);
  for (const index of INDEXES) await pool.query(index);
  const [insert, claim, complete] = [INSERT_PG, CLAIM, COMPLETE].map(numbered);
  const producerConn = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  const workerConn = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('raw-runs', { connection: producerConn, prefix: env.PREFIX });
  const worker = new Worker(
    'raw-runs',
    async (job) => {
      await pool.query(claim, [nowIso(), job.data.id]);
      if (env.HANDLER === 'procedure') {
        // The procedure section's limit: the same no-op procedure, called on a pooled connection.
        await pool.query('CALL bench_procedure_noop()');
      }
      // the no-op handler
      await pool.query(complete, [RESULT, nowIso(), job.data.id]);
    },
    { connection: workerConn, prefix: env.PREFIX, concurrency },
  );
  worker.on('completed', completed);
  await worker.waitUntilReady();
  return async (id, parameters) => {
    const stored = await pool.query(insert, [id, parameters, nowIso()]);
    if (stored.rowCount !== 1) throw new Error('the cap of queued runs was reached');
    await queue.add('run', { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
  };
}

async function setupSqlite() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(env.SQLITE_FILE);
  // The limit keeps the durability Onward keeps (synchronous = FULL: a commit is on disk when it
  // returns), so that the ratio compares the same work; RAW_SQLITE_SYNCHRONOUS=NORMAL measures what
  // that durability costs against a limit that may lose its last commits in a power cut.
  const synchronous = env.RAW_SQLITE_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous}`);
  db.exec(`CREATE TABLE IF NOT EXISTS raw_runs (${COLUMNS})`);
  for (const index of INDEXES) db.exec(index);
  const insert = db.prepare(INSERT);
  const countQueued = db.prepare(COUNT_QUEUED);
  const claim = db.prepare(CLAIM);
  const complete = db.prepare(COMPLETE);
  const waiting = [];
  const idle = []; // resolvers of the workers waiting for a run
  for (let i = 0; i < concurrency; i++) {
    void (async () => {
      for (;;) {
        const id = waiting.shift();
        if (id === undefined) {
          await new Promise((resolve) => idle.push(resolve));
          continue;
        }
        claim.get(nowIso(), id);
        await new Promise((r) => setImmediate(r)); // the no-op handler
        complete.get(RESULT, nowIso(), id);
        completed();
      }
    })();
  }
  return async (id, parameters) => {
    if (countQueued.get().queued >= CAP) throw new Error('the cap of queued runs was reached');
    insert.run(id, parameters, nowIso());
    waiting.push(id);
    idle.shift()?.();
  };
}

const create = env.DB === 'sqlite' ? await setupSqlite() : await setupPg();

/** The bare node:http route (the limit). */
function listenNodeHttp(port) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      } catch {
        res.writeHead(400).end();
        return;
      }
      const id = randomUUID();
      create(id, JSON.stringify(body.parameters ?? {})).then(
        () => {
          const view = JSON.stringify({ id, task: body.task, status: 'queued', version: 1 });
          res.writeHead(202, { 'content-type': 'application/json', location: `/api/runs/${id}` }).end(view);
        },
        (error) => res.writeHead(500).end(String(error)),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
}

/**
 * The same route in a bare NestJS app (Fastify, as Onward; Fastify's JSON body parser, no guard, pipe or Socket.IO):
 * the framework floor, which shows how much of the gap to the limit is NestJS's HTTP stack itself.
 */
async function listenNest(port) {
  const { listenBareNest } = await import('./bare-nest-app.mjs');
  await listenBareNest(port, async (body, response) => {
    const id = randomUUID();
    await create(id, JSON.stringify(body?.parameters ?? {}));
    response.header('Location', `/api/runs/${id}`);
    return { id, task: body?.task ?? null, status: 'queued', version: 1 };
  });
}

await (env.HTTP === 'nest' ? listenNest : listenNodeHttp)(Number(env.PORT));
console.log('ready');

process.on('message', (m) => {
  if (m.cmd === 'reset') {
    done = 0;
    process.send({ reply: m.id, data: null });
  } else if (m.cmd === 'wait') {
    new Promise((resolve) => (done >= m.n ? resolve({ lastDoneAt }) : waiters.push({ n: m.n, resolve }))).then((data) =>
      process.send({ reply: m.id, data }),
    );
  }
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
