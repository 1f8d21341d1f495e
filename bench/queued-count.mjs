// What the queued-runs limit (ONWARD_MAX_QUEUED_PER_USER) costs per start on PostgreSQL: the count
// Onward runs before every start (RunStatements.countQueued, on the partial index
// idx_runs_owner_queued), timed over many calls, with 100,000 stored runs of the same user and the
// user's queue empty, half full, or at the limit. Beside it, as a same-run baseline, the primary-key
// read of one run (what GET /api/runs/:id costs the database).
// Usage: node bench/queued-count.mjs [--runs 100000] [--limit 1000] [--calls 2000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { cleanupAll, nowMs, percentile, pgSchema, round, startOnward, stopChild } from './lib/util.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '1000' },
    calls: { type: 'string', default: '2000' },
  },
});
const N = Number(flags.runs);
const LIMIT = Number(flags.limit);
const CALLS = Number(flags.calls);
const OWNER = '00000000-0000-4000-8000-00000000000a';

async function main() {
  const pg = (await import('pg')).default;
  const schema = await pgSchema();
  // The real schema: Onward's migrations make the table and its indexes.
  const server = await startOnward('queued-count', { env: { DATABASE_URL: schema.url, ONWARD_RETENTION: '0' } });
  await stopChild(server.child);
  const client = new pg.Client({ connectionString: schema.plainUrl });
  await client.connect();
  await client.query(`SET search_path TO ${schema.name}`);
  const insert = async (count, status, finished) => {
    for (let done = 0; done < count; done += 1000) {
      const n = Math.min(1000, count - done);
      const at = new Date().toISOString();
      await client.query(
        `INSERT INTO runs (id, task, title, kind, owner_id, owner_username, mode, status, parameters, display,
           created_at, finished_at, version, attempts)
         SELECT g, 'bench-noop', 'Benchmark no-op', 'task', $1, 'alice', 'background', $2, '{}', '{}', $3, $4, 1, 0
         FROM unnest($5::text[]) AS g`,
        [OWNER, status, at, finished ? at : null, Array.from({ length: n }, () => randomUUID())],
      );
    }
  };
  await insert(N, 'completed', true);
  await client.query('ANALYZE runs');
  const count = `SELECT COUNT(*) AS queued FROM (SELECT 1 FROM runs WHERE owner_id = $1 AND status = 'queued' AND parent_id IS NULL LIMIT $2) AS q`;
  const someId = (await client.query('SELECT id FROM runs LIMIT 1')).rows[0].id;
  const time = async (sql, params) => {
    for (let i = 0; i < 200; i++) await client.query(sql, params); // warm-up
    const samples = [];
    for (let i = 0; i < CALLS; i++) {
      const t = nowMs();
      await client.query(sql, params);
      samples.push(nowMs() - t);
    }
    samples.sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  };
  const rows = [];
  let queued = 0;
  for (const target of [0, LIMIT / 2, LIMIT]) {
    await insert(target - queued, 'queued', false);
    queued = target;
    await client.query('ANALYZE runs');
    const plan = (await client.query(`EXPLAIN ${count.replace('$1', `'${OWNER}'`).replace('$2', String(LIMIT))}`)).rows
      .map((r) => r['QUERY PLAN'])
      .join(' | ');
    const c = await time(count, [OWNER, LIMIT]);
    const b = await time('SELECT * FROM runs WHERE id = $1', [someId]);
    rows.push({ queued, count: c, byId: b, plan });
  }
  await client.end();
  console.log(`${N} finished runs of one user; count capped at ${LIMIT}; ${CALLS} calls each, round trip included`);
  console.log('queued | count p50 / p99 (ms) | read by id p50 / p99 (ms) | plan');
  for (const r of rows) {
    console.log(
      `${String(r.queued).padStart(6)} | ${round(r.count.p50, 3)} / ${round(r.count.p99, 3)} | ${round(r.byId.p50, 3)} / ${round(r.byId.p99, 3)} | ${r.plan.slice(0, 160)}`,
    );
  }
}

try {
  await main();
} finally {
  await cleanupAll();
}
