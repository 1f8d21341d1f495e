// Section `stats`: GET /api/admin/stats p50/p99 for each window with 1,000,000 stored runs, on
// PostgreSQL and SQLite; baseline: GET /health on the same server in the same run.
// The runs are seeded with one INSERT … SELECT (generate_series on PostgreSQL, a recursive CTE on
// SQLite), the rollup with the SQL equivalent of what the engine's flushes add up to: one row per
// minute and task over the past 7 days (counts spread over them, durations in one bucket around
// 1 s), and the hour rows summed from them.
import { join } from 'node:path';

import { agg, login, pgSchema, request, startOnward, stopChild, summary } from './util.mjs';

const RUNS = 1_000_000;
const TASKS = ['sales-report', 'recalculate-prices', 'export-orders', 'import-orders'];
const HIST = Array.from({ length: 48 }, (_, i) => `d${i}`);
const MINUTES = 7 * 24 * 60;

function seedSql(postgres, schema) {
  const t = (name) => (schema ? `"${schema}".${name}` : name);
  const series = postgres
    ? `generate_series(1, ${RUNS}) AS s(i)`
    : `(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${RUNS}) SELECT i FROM s) AS s`;
  const id = postgres ? `md5(i::text)::uuid::text` : `printf('%08x-0000-4000-8000-%012x', i, i)`;
  const stamp = postgres
    ? `to_char(now() - (i % ${MINUTES}) * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % ${MINUTES}) || ' minutes')`;
  const task = `(CASE i % 4 ${TASKS.map((name, k) => `WHEN ${k} THEN '${name}'`).join(' ')} END)`;
  const nowMinute = postgres
    ? `floor(extract(epoch FROM now()) / 60)::integer`
    : `CAST(strftime('%s', 'now') / 60 AS INTEGER)`;
  const minuteSeries = postgres
    ? `generate_series(0, ${MINUTES - 1}) AS m(k)`
    : `(WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < ${MINUTES - 1}) SELECT k FROM m) AS m`;
  const perMinute = Math.round(RUNS / MINUTES / TASKS.length);
  const histValues = HIST.map((c) => (c === 'd20' ? `${perMinute}` : '0')).join(', ');
  return [
    `INSERT INTO ${t('runs')} (id, task, title, kind, owner_id, owner_username, mode, status, parameters, display,
       created_at, started_at, finished_at, version, attempts, stalled)
     SELECT ${id}, ${task}, 'Bench', 'task', 'bench', 'bench', 'background', 'completed', '{}', '{}',
       ${stamp}, ${stamp}, ${stamp}, 1, 1, ${postgres ? 'false' : '0'} FROM ${series}`,
    ...TASKS.map(
      (
        name,
      ) => `INSERT INTO ${t('run_stats_minutes')} (minute, task, started, completed, failed, cancelled, ${HIST.join(', ')})
       SELECT ${nowMinute} - k, '${name}', ${perMinute}, ${perMinute}, 1, 0, ${histValues} FROM ${minuteSeries}`,
    ),
    `INSERT INTO ${t('run_stats_hours')} (hour, task, started, completed, failed, cancelled, ${HIST.join(', ')})
     SELECT minute / 60, task, SUM(started), SUM(completed), SUM(failed), SUM(cancelled), ${HIST.map((c) => `SUM(${c})`).join(', ')}
     FROM ${t('run_stats_minutes')} GROUP BY minute / 60, task`,
  ];
}

async function measure(base, token, path, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const res = await request('GET', `${base}${path}`, { token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    times.push(performance.now() - began);
  }
  return summary(times);
}

export async function sectionStats({ opts, row, log }) {
  const count = opts.quick ? 50 : 300;
  const raw = {};
  for (const db of ['pg', 'sqlite']) {
    const schema = db === 'pg' ? await pgSchema() : null;
    const env = schema ? { DATABASE_URL: schema.url } : {};
    let server = await startOnward(`stats-${db}`, { env });
    await stopChild(server.child);
    const began = Date.now();
    if (schema) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: schema.plainUrl });
      await client.connect();
      for (const sql of seedSql(true, schema.name)) await client.query(sql);
      await client.query(`ANALYZE "${schema.name}".runs`);
      await client.end();
    } else {
      const Database = (await import('better-sqlite3')).default;
      const sqlite = new Database(join(server.dataDir, 'onward.sqlite'));
      sqlite.transaction(() => seedSql(false, null).forEach((sql) => sqlite.exec(sql)))();
      sqlite.exec('ANALYZE');
      sqlite.close();
    }
    log(`stats ${db}: ${RUNS} runs and the rollup seeded in ${Date.now() - began} ms`);
    server = await startOnward(`stats-${db}`, { env: { ...env, ONWARD_DATA_DIR: server.dataDir } });
    try {
      const token = await login(server.base, 'admin');
      raw[db] = { health: await measure(server.base, token, '/health', count) };
      for (const window of ['1h', '24h', '7d']) {
        await measure(server.base, token, `/api/admin/stats?window=${window}`, 5); // warm-up
        raw[db][window] = await measure(server.base, token, `/api/admin/stats?window=${window}`, count);
      }
    } finally {
      await stopChild(server.child);
    }
    log(`stats ${db}: ${JSON.stringify(raw[db])}`);
    const base = agg([raw[db].health.p99]);
    for (const window of ['1h', '24h', '7d']) {
      row(
        'stats',
        `GET /api/admin/stats?window=${window} p99, 1M runs, ${db === 'pg' ? 'PostgreSQL' : 'SQLite'}`,
        agg([raw[db][window].p99]),
        base,
        'ms',
        '≤ 100 ms',
        `p50 ${raw[db][window].p50.toFixed(1)} ms; baseline: GET /health p99`,
      );
    }
  }
  return raw;
}
