// The `scheduler` section of bench/run.mjs: what one selection of N rows costs per row, against the
// same selection of 10 rows and against a single run's lifecycle, both measured in the same run on the
// same server. Style point 26: the scaled case (10 → 10,000) beside the small one.

import {
  agg,
  login,
  nowMs,
  pgSchema,
  redisPrefix,
  request,
  round,
  rssMb,
  rssPeak,
  startOnward,
  stopChild,
} from './util.mjs';
import { RunWatcher } from './watcher.mjs';

const FINAL = ['completed', 'failed', 'cancelled'];

/** The last subtask of a scheduler, paging through `GET /api/runs/:id/children`. */
async function lastChild(base, token, id) {
  let cursor = null;
  let last = null;
  do {
    const query = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await request('GET', `${base}/api/runs/${id}/children?${query}`, { token });
    if (res.status !== 200) return null; // a server without the children route: no zip figure
    last = res.json.items.at(-1) ?? last;
    cursor = res.json.nextCursor;
  } while (cursor);
  return last;
}

/**
 * Starts one selection of `n` rows of `task` and waits for it on the socket, for at most
 * `budgetMs`; past that it is cancelled and the rows done so far give the per-row figure.
 */
async function runSelection(server, token, watcher, task, n, budgetMs) {
  const rows = Array.from({ length: n }, (_, i) => (task === 'bench-file' ? { row: i } : {}));
  const idleMb = round(rssMb(server.child.pid), 0);
  const peak = rssPeak(server.child.pid);
  const start = nowMs();
  const res = await request('POST', `${server.base}/api/runs`, {
    token,
    body: { task, rows, mode: 'background' },
    timeoutMs: 120_000,
  });
  const acceptMs = nowMs() - start;
  if (res.status !== 202) {
    peak();
    throw new Error(`start of ${n} rows: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const id = res.json.id;
  let end = null;
  try {
    end = await watcher.waitFor(id, FINAL, budgetMs);
  } catch {
    // Over the budget: note how far it got, stop it, and let it wind down before the next case.
  }
  const elapsedMs = (end?.t ?? nowMs()) - start;
  const view = (await request('GET', `${server.base}/api/runs/${id}`, { token })).json;
  const done = view.scheduler.completed + view.scheduler.failed + view.scheduler.cancelled;
  if (!end) {
    await request('POST', `${server.base}/api/runs/${id}/cancel`, { token });
    await watcher.waitFor(id, FINAL, 600_000).catch(() => undefined);
  }
  const figures = {
    n,
    done: end ? n : done,
    finished: Boolean(end),
    status: end?.status ?? 'stopped',
    totalMs: round(elapsedMs, 0),
    acceptMs: round(acceptMs, 0),
    perRowMs: round(elapsedMs / Math.max(1, end ? n : done), 2),
    idleMb,
    peakMb: peak(),
    result: view.result,
  };
  if (end && view.result?.type === 'file') {
    // The zip is written after the last subtask finished and before the scheduler did.
    const last = await lastChild(server.base, token, id);
    if (last?.finishedAt) figures.zipMs = Date.parse(view.finishedAt) - Date.parse(last.finishedAt);
    figures.zipBytes = view.result.size;
  }
  await request('DELETE', `${server.base}/api/runs/${id}`, { token, timeoutMs: 120_000 });
  return figures;
}

/**
 * The largest of `candidates` whose predicted time fits `budgetMs`, from the per-row figures measured
 * (per-row cost taken as linear in the number of rows between and beyond them, the way an engine that
 * re-reads every subtask per row grows), and the prediction for each.
 */
function rowsThatFit(measured, candidates, budgetMs) {
  const points = measured.filter((m) => m.done > 0).sort((a, b) => a.n - b.n);
  const perRow = (n) => {
    if (points.length === 0) return 0;
    if (points.length === 1) return points[0].perRowMs;
    const [a, b] = points.slice(-2);
    const slope = Math.max(0, (b.perRowMs - a.perRowMs) / (b.n - a.n));
    return Math.max(points[0].perRowMs, b.perRowMs + slope * (n - b.n));
  };
  const predicted = (n) => round((n * perRow(n)) / 1000, 0);
  const fit = candidates.find((n) => n * perRow(n) <= budgetMs) ?? candidates.at(-1);
  return { rows: fit, predictedS: Object.fromEntries(candidates.map((n) => [n, predicted(n)])) };
}

/**
 * The section. `ctx`: { opts, databases, row, log, results, onwardLifecycle, catalogueHas }, from
 * run.mjs (the lifecycle section's measurement is reused as the single-run baseline).
 */
export async function sectionScheduler(ctx) {
  const { opts, row, log, onwardLifecycle } = ctx;
  const budgetMs = opts.schedulerCaseSeconds * 1000;
  const raw = {};
  for (const db of ctx.databases) {
    const env = { ONWARD_CONCURRENCY: '1', ONWARD_USER_CONCURRENCY: '1' };
    if (db === 'pg') {
      const schema = await pgSchema();
      const redis = await redisPrefix();
      Object.assign(env, { DATABASE_URL: schema.url, REDIS_URL: redis.url });
    }
    const label = db === 'sqlite' ? 'SQLite embedded' : 'PostgreSQL + BullMQ';
    const server = await startOnward(`scheduler-${db}`, { env });
    try {
      const token = await login(server.base, 'alice');
      for (const task of ['bench-noop', 'bench-file']) {
        if (!(await ctx.catalogueHas(server.base, token, task))) {
          throw new Error(`the catalogue has no ${task} task (a server built before it? rebuild the server)`);
        }
      }
      const watcher = await RunWatcher.connect(server.base, token);
      // The single-run lifecycle, as the lifecycle section measures it (concurrency 1, like a chain),
      // after one uncounted round (JIT, pools).
      await onwardLifecycle(server, token, opts.schedulerSingleRuns);
      const single = [];
      for (let rep = 0; rep < opts.reps; rep++) {
        const { perSecond } = await onwardLifecycle(server, token, opts.schedulerSingleRuns);
        single.push(round(1000 / perSecond, 3));
        log(`scheduler ${db}: single-run lifecycle ${single.at(-1)} ms per run (${round(perSecond)} runs/s)`);
      }
      await runSelection(server, token, watcher, 'bench-noop', 10, budgetMs); // warm-up, not counted
      const cases = new Map();
      const measured = [];
      for (const n of opts.schedulerRows) {
        const reps = n <= 1000 ? opts.reps : 1;
        const figures = [];
        for (let rep = 0; rep < reps; rep++) {
          const f = await runSelection(server, token, watcher, 'bench-noop', n, budgetMs);
          figures.push(f);
          log(
            `scheduler ${db} ${n} rows rep ${rep + 1}: ${f.finished ? '' : `STOPPED after ${f.totalMs} ms at ${f.done} of ${n} rows; `}` +
              `${f.totalMs} ms in all, ${f.perRowMs} ms per row, start answered in ${f.acceptMs} ms, RSS ${f.idleMb} → peak ${f.peakMb} MB`,
          );
        }
        cases.set(n, figures);
        measured.push({ n, done: figures[0].done, perRowMs: agg(figures.map((f) => f.perRowMs)).median });
      }
      const small = agg((cases.get(opts.schedulerRows[0]) ?? []).map((f) => f.perRowMs));
      const lifecycle = agg(single);
      const largest = opts.schedulerRows.at(-1);
      for (const [n, figures] of cases) {
        const perRow = agg(figures.map((f) => f.perRowMs));
        const partial = figures.find((f) => !f.finished);
        const note = partial
          ? `${n} rows did not finish within ${opts.schedulerCaseSeconds} s on this engine: per row over the ${partial.done} rows done by then (the selection then cancelled)`
          : `${agg(figures.map((f) => f.totalMs)).median} ms in all; POST of the selection answered in ${agg(figures.map((f) => f.acceptMs)).median} ms`;
        row(
          'scheduler',
          `${label}, ${n} rows, per row vs ${opts.schedulerRows[0]} rows`,
          perRow,
          small,
          'ms',
          n === largest ? '≤ 1.2×' : 'context',
          note,
        );
        row(
          'scheduler',
          `${label}, ${n} rows, per row vs single-run lifecycle`,
          perRow,
          lifecycle,
          'ms',
          n === largest ? '≤ 2×' : 'context',
        );
        row(
          'scheduler',
          `${label}, ${n} rows, server peak RSS vs idle before`,
          agg(figures.map((f) => f.peakMb)),
          agg(figures.map((f) => f.idleMb)),
          'MB',
          'context',
        );
      }
      // A zip of many small files: as many rows as fit the budget on this engine.
      const candidates = [opts.schedulerZipRows, 5000, 2000, 1000, 100].filter((n) => n <= opts.schedulerZipRows);
      const { rows: zipRows, predictedS } = rowsThatFit(measured, candidates, budgetMs);
      if (zipRows !== opts.schedulerZipRows) {
        log(
          `scheduler ${db}: zip case with ${zipRows} rows, not ${opts.schedulerZipRows} (predicted seconds by rows: ${JSON.stringify(predictedS)})`,
        );
      }
      const zip = await runSelection(server, token, watcher, 'bench-file', zipRows, budgetMs);
      log(
        `scheduler ${db} zip of ${zipRows} files: ${zip.totalMs} ms in all, ${zip.perRowMs} ms per row, zip written in ${zip.zipMs ?? '?'} ms (${zip.zipBytes ?? '?'} bytes), RSS ${zip.idleMb} → peak ${zip.peakMb} MB`,
      );
      const zipNote =
        zipRows === opts.schedulerZipRows
          ? `${zip.totalMs} ms in all; the zip (${zip.zipBytes ?? '?'} bytes) written in ${zip.zipMs ?? '?'} ms`
          : `${zipRows} rows, not ${opts.schedulerZipRows}: ${opts.schedulerZipRows} were predicted to take ${predictedS[opts.schedulerZipRows]} s on this engine; ${zip.totalMs} ms in all, zip written in ${zip.zipMs ?? '?'} ms`;
      row(
        'scheduler',
        `${label}, zip of ${zipRows} small files, per row vs single-run lifecycle`,
        agg([zip.perRowMs]),
        lifecycle,
        'ms',
        'context',
        zipNote,
      );
      row(
        'scheduler',
        `${label}, zip of ${zipRows} small files, server peak RSS vs idle before`,
        agg([zip.peakMb]),
        agg([zip.idleMb]),
        'MB',
        'context',
      );
      raw[db] = { singleRunMs: single, cases: Object.fromEntries(cases), zip: { rows: zipRows, predictedS, ...zip } };
      watcher.close();
    } finally {
      await stopChild(server.child);
    }
  }
  return raw;
}
