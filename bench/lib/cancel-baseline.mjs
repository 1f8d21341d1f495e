// Baseline of the cancel section: the same hops as Onward's cross-process cancel, with nothing else.
//   role api:    POST /api/runs/:id/cancel -> PUBLISH <prefix>:abort id -> 202;
//                on <prefix>:done id -> Socket.IO /runs emit run.updated { id, status: 'cancelled' }
//   role worker: on <prefix>:abort id -> one PostgreSQL UPDATE (upsert) -> PUBLISH <prefix>:done id
// Env: ROLE, PORT (api), REDIS_URL, PREFIX, PG_URL, PG_SCHEMA. Prints "ready".
import http from 'node:http';
import IORedis from 'ioredis';
import pg from 'pg';
import { Server } from 'socket.io';

const { ROLE, PORT, REDIS_URL, PREFIX, PG_URL, PG_SCHEMA } = process.env;
const pub = new IORedis(REDIS_URL);
// Connected before SUBSCRIBE: a subscribe sent before the ready check ends in ioredis'
// "Connection in subscriber mode" error, and the baseline then never hears an abort.
const sub = new IORedis(REDIS_URL, { lazyConnect: true });
await sub.connect();

if (ROLE === 'api') {
  const server = http.createServer((req, res) => {
    const m = /^\/api\/runs\/([^/]+)\/cancel$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(req.url === '/health' ? 200 : 404).end('{}');
      return;
    }
    req.resume();
    pub.publish(`${PREFIX}:abort`, m[1]).then(() => {
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: m[1], status: 'cancelling' }));
    });
  });
  const io = new Server(server);
  const runs = io.of('/runs');
  runs.on('connection', (socket) => socket.join('user:bench'));
  await sub.subscribe(`${PREFIX}:done`);
  sub.on('message', (_channel, id) => runs.to('user:bench').emit('run.updated', { id, status: 'cancelled' }));
  server.listen(Number(PORT), '127.0.0.1', () => console.log('ready'));
} else {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, options: `-c search_path=${PG_SCHEMA}` });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_cancel (id varchar(64) primary key, status varchar(12), version int)',
  );
  await sub.subscribe(`${PREFIX}:abort`);
  sub.on('message', async (_channel, id) => {
    await pool.query(
      `INSERT INTO bench_cancel (id, status, version) VALUES ($1, 'cancelled', 1)
       ON CONFLICT (id) DO UPDATE SET status = 'cancelled', version = bench_cancel.version + 1`,
      [id],
    );
    await pub.publish(`${PREFIX}:done`, id);
  });
  console.log('ready');
}
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
