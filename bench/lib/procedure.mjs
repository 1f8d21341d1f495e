// The `procedure` section of bench/run.mjs: stored-procedure tasks on PostgreSQL + Redis against the
// same work without Onward, in the same run. Three figures:
// - lifecycle: `bench-procedure-noop` runs per second, created over HTTP and seen completed on a socket,
//   against the limit harness (bare HTTP route, raw BullMQ + pg) whose handler CALLs the same procedure;
// - NOTICE → browser: a procedure reports progress every 150 ms with the time it raised it as message;
//   from there until the monitor in Chromium shows it (and until a Node client's socket receives it),
//   against the same NOTICE reaching a bare `pg` client;
// - cancel → backend gone: from the cancel request to the CALL's backend leaving pg_stat_activity's
//   active ones, with the worker in the API's process and in a process of its own, against
//   `pg_cancel_backend` sent by a bare client.
import { io } from 'socket.io-client';

import { launchChromium, signIn } from './monitor-render.mjs';
import {
  agg,
  nowMs,
  pgSchema,
  redisPrefix,
  request,
  round,
  sleep,
  startOnward,
  stopChild,
  summary,
  tempDir,
} from './util.mjs';

// Apart by more than the progress throttle (100 ms), so that each NOTICE is written and sent at once.
const TICKS = 40;
const TICK_SECONDS = 0.15;

/** The backend running a CALL marked with `mark` (a leading SQL comment, as Onward marks a run's CALL). */
async function activeBackend(pg, mark) {
  const { rows } = await pg.query("SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'", [
    `${mark}%`,
  ]);
  return rows[0]?.pid ?? null;
}

/** Polls every 2 ms until `mark`'s backend is no longer active; resolves with the time. */
async function untilGone(pg, mark, withinMs = 10_000) {
  const deadline = nowMs() + withinMs;
  while (nowMs() < deadline) {
    if ((await activeBackend(pg, mark)) === null) return nowMs();
    await sleep(2);
  }
  throw new Error(`${mark}: still running after ${withinMs} ms`);
}

async function untilActive(pg, mark, withinMs = 30_000) {
  const deadline = nowMs() + withinMs;
  while (nowMs() < deadline) {
    const pid = await activeBackend(pg, mark);
    if (pid !== null) return pid;
    await sleep(10);
  }
  throw new Error(`${mark}: never ran`);
}

/**
 * The monitor in Chromium, logged in as alice with the Running tasks panel open. A MutationObserver
 * notes when each progress message that is a moment (ms since the epoch, as `bench_procedure_clock`
 * raises them) first appears in the page: `window.__shown`, `{ sent, at }`.
 */
async function openMonitor(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(60_000);
  await context.addInitScript(() => {
    window.__shown = [];
    const seen = new Set();
    const look = (text) => {
      const moment = /\b(\d{13})\b/.exec(text ?? '')?.[1];
      if (!moment || seen.has(moment)) return;
      seen.add(moment);
      window.__shown.push({ sent: Number(moment), at: performance.timeOrigin + performance.now() });
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'characterData') look(record.target.data);
        else for (const node of record.addedNodes) look(node.textContent);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const page = await context.newPage();
  await signIn(page, base, 'alice');
  await page.getByRole('button', { name: /^Running tasks/ }).click();
  await page.getByRole('dialog', { name: 'Running tasks' }).waitFor();
  return { context, page };
}

/** Cancels a procedure run this many times per repetition, and as many bare CALLs. */
const CANCELS = 10;

/**
 * Starts `bench-procedure-steps` runs (a CALL that sleeps 30 s per step) on `base` and cancels each
 * once its backend is active, pushing the time from the cancel request until the backend is no longer
 * active to `onward`; with `bare`, as many bare CALLs cancelled by `pg_cancel_backend`.
 */
async function measureCancels(pg, schema, base, token, tag, onward, bare) {
  const watchers = new pg.Client({ connectionString: schema.plainUrl });
  await watchers.connect();
  try {
    for (let i = 0; i < CANCELS; i++) {
      const started = await request('POST', `${base}/api/runs`, {
        token,
        body: {
          task: 'bench-procedure-steps',
          parameters: { steps: 2, step_seconds: 30, tag: `cancel-${tag}-${i}` },
          mode: 'background',
        },
      });
      const name = `/* onward run ${started.json.id} */`;
      await untilActive(watchers, name);
      await sleep(50 + Math.random() * 100);
      const t0 = nowMs();
      await request('POST', `${base}/api/runs/${started.json.id}/cancel`, { token });
      onward.push((await untilGone(watchers, name)) - t0);
      if (!bare) continue;

      const client = new pg.Client({ connectionString: schema.plainUrl, options: `-c search_path=${schema.name}` });
      await client.connect();
      const bareName = `/* bare cancel ${tag}-${i} */`;
      const call = client.query(`${bareName} CALL bench_procedure_steps(2, 30)`).catch(() => undefined);
      const pid = await untilActive(watchers, bareName);
      await sleep(50 + Math.random() * 100);
      const t1 = nowMs();
      await watchers.query('SELECT pg_cancel_backend($1)', [pid]);
      bare.push((await untilGone(watchers, bareName)) - t1);
      await call;
      await client.end();
    }
  } finally {
    await watchers.end();
  }
}

/** An API process and a worker process on one schema and Redis prefix (Redis mode). */
async function startApiAndWorker() {
  const schema = await pgSchema();
  const redis = await redisPrefix();
  const shared = { DATABASE_URL: schema.url, REDIS_URL: redis.url, ONWARD_DATA_DIR: tempDir('procedure-pair') };
  const api = await startOnward('procedure-pair-api', { env: { ...shared, ONWARD_ROLE: 'api' } });
  const worker = await startOnward('procedure-pair-worker', { env: { ...shared, ONWARD_ROLE: 'worker' } });
  return { schema, api, worker };
}

export async function sectionProcedure({
  opts,
  row,
  cpuRows,
  cpuSamples,
  log,
  login,
  onwardLifecycle,
  startRawLifecycle,
  rawLifecycle,
}) {
  const { default: pg } = await import('pg');
  const raw = {
    lifecycle: {},
    notice: { onward: [], browser: [], bare: [] },
    cancel: { onward: [], bare: [], pair: [] },
  };
  const runs = Math.min(opts.runs, 2000);
  for (const concurrency of [1, 10]) {
    const conc = String(concurrency);
    const schema = await pgSchema();
    const redis = await redisPrefix();
    const server = await startOnward(`procedure-${conc}`, {
      env: { ONWARD_CONCURRENCY: conc, ONWARD_USER_CONCURRENCY: conc, DATABASE_URL: schema.url, REDIS_URL: redis.url },
    });
    const token = await login(server.base, 'alice');
    const limit = await startRawLifecycle('pg', concurrency, schema, redis, 'node', 'procedure');
    await onwardLifecycle(server, token, runs, 'bench-procedure-noop'); // warm-up, not counted
    await rawLifecycle(limit, runs);
    const o = [];
    const b = [];
    const cpuO = cpuSamples();
    const cpuB = cpuSamples();
    for (let rep = 0; rep < opts.reps; rep++) {
      // Alternating which goes first, so that neither always meets a warmer machine.
      const measureOnward = () => onwardLifecycle(server, token, runs, 'bench-procedure-noop');
      const measureLimit = () => rawLifecycle(limit, runs);
      let onward;
      let rb;
      if (rep % 2 === 0) {
        onward = await measureOnward();
        rb = await measureLimit();
      } else {
        rb = await measureLimit();
        onward = await measureOnward();
      }
      o.push(onward.perSecond);
      b.push(rb.perSecond);
      cpuO.keep(onward.cpu);
      cpuB.keep(rb.cpu);
      log(
        `procedure c=${conc} rep ${rep + 1}: Onward ${round(onward.perSecond, 1)} runs/s (CPU per run ${onward.cpu.process} µs, ${onward.cpu.services} µs in PostgreSQL + Redis), limit ${round(rb.perSecond, 1)} runs/s (${rb.cpu.process} µs, ${rb.cpu.services} µs)`,
      );
    }
    raw.lifecycle[conc] = { onward: o, limit: b };
    row(
      'procedure',
      `no-op procedure lifecycle, concurrency ${conc}`,
      agg(o),
      agg(b),
      'runs/s',
      '≥ 0.5× limit',
      concurrency === 1
        ? `${runs} bench-procedure-noop runs per measurement on PostgreSQL + BullMQ, created over HTTP 20 at a time, completion seen on a socket; limit: the lifecycle harness whose handler CALLs the same procedure on a pooled connection`
        : '',
    );
    cpuRows('procedure', `no-op procedure lifecycle, concurrency ${conc}`, cpuO, cpuB, {
      services: true,
      explainProcess: concurrency === 1,
    });

    if (concurrency === 1) {
      const client = new pg.Client({ connectionString: schema.plainUrl, options: `-c search_path=${schema.name}` });
      await client.connect();
      const browser = await launchChromium();
      const monitor = await openMonitor(browser, server.base);
      for (let rep = 0; rep < opts.reps; rep++) {
        // Onward: NOTICE raised in SQL → shown in the monitor in Chromium, and → run.updated on a
        // socket of a Node client (the same run, watched by both).
        const socket = io(`${server.base}/runs`, { auth: { token }, transports: ['websocket'], forceNew: true });
        await new Promise((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const lat = [];
        let done;
        const finished = new Promise((resolve) => (done = resolve));
        let id = null;
        socket.on('run.updated', (view) => {
          if (view.id !== id) return;
          const message = view.progress?.message;
          if (view.status === 'running' && /^\d+$/.test(message ?? '')) lat.push(Date.now() - Number(message));
          if (['completed', 'failed', 'cancelled'].includes(view.status)) done(view.status);
        });
        const res = await request('POST', `${server.base}/api/runs`, {
          token,
          body: {
            task: 'bench-procedure-clock',
            parameters: { ticks: TICKS, interval_seconds: TICK_SECONDS },
            mode: 'background',
          },
        });
        id = res.json.id;
        const status = await finished;
        socket.close();
        if (status !== 'completed') throw new Error(`bench-procedure-clock ended ${status}`);
        await sleep(500); // the browser's last updates
        const shown = await monitor.page.evaluate(() => window.__shown.splice(0));
        const wlat = shown.map(({ sent, at }) => at - sent);
        // Bare: the same procedure on a bare pg client, NOTICE → its 'notice' event.
        const blat = [];
        const onNotice = (notice) => {
          const message = JSON.parse(notice.message).message;
          if (/^\d+$/.test(message ?? '')) blat.push(Date.now() - Number(message));
        };
        client.on('notice', onNotice);
        await client.query(`CALL bench_procedure_clock(${TICKS}, ${TICK_SECONDS})`);
        client.off('notice', onNotice);
        const so = summary(lat);
        const sw = summary(wlat);
        const sb = summary(blat);
        raw.notice.onward.push(so);
        raw.notice.browser.push(sw);
        raw.notice.bare.push(sb);
        log(
          `procedure NOTICE rep ${rep + 1}: Onward → browser p50 ${round(sw.p50, 2)} p99 ${round(sw.p99, 2)} ms (${sw.n}), → socket p50 ${round(so.p50, 2)} p99 ${round(so.p99, 2)} ms (${so.n}); bare p50 ${round(sb.p50, 2)} p99 ${round(sb.p99, 2)} ms`,
        );

        // Cancel → backend gone, on this process (API and worker in one) and its bare baseline.
        await measureCancels(pg, schema, server.base, token, `${rep}`, raw.cancel.onward, raw.cancel.bare);
      }
      // The same cancel when the API process that takes it is not the worker running the CALL.
      const pair = await startApiAndWorker();
      const pairToken = await login(pair.api.base, 'alice');
      for (let rep = 0; rep < opts.reps; rep++) {
        await measureCancels(pg, pair.schema, pair.api.base, pairToken, `pair-${rep}`, raw.cancel.pair, null);
      }
      await stopChild(pair.worker.child);
      await stopChild(pair.api.child);
      await monitor.context.close();
      await browser.close();
      await client.end();
      // Latencies: the median over the repetitions of each one's p50/p99; cancels: p50/p99 of all of them.
      const p = (list, key) => agg(list.map((s) => s[key]));
      const one = (v) => ({ median: v, min: v, max: v, reps: [v] });
      const [so, sp, sb] = [raw.cancel.onward, raw.cancel.pair, raw.cancel.bare].map(summary);
      const rows = [
        [
          'progress NOTICE → browser p50',
          p(raw.notice.browser, 'p50'),
          p(raw.notice.bare, 'p50'),
          '',
          `a NOTICE every ${TICK_SECONDS * 1000} ms (${TICKS} per repetition) until its message is in the monitor's page in Chromium (a MutationObserver); baseline: the same NOTICE reaching a bare pg client`,
        ],
        ['progress NOTICE → browser p99', p(raw.notice.browser, 'p99'), p(raw.notice.bare, 'p99'), '≤ 15 ms'],
        [
          'progress NOTICE → socket p99',
          p(raw.notice.onward, 'p99'),
          p(raw.notice.bare, 'p99'),
          '',
          'the same run, until its run.updated reaches a socket.io client in Node',
        ],
        [
          'cancel → backend gone p50',
          one(so.p50),
          one(sb.p50),
          '',
          `POST cancel (PostgreSQL + BullMQ, the worker in the same process) until the CALL's backend is no longer active, ${so.n} cancels; baseline: pg_cancel_backend from a bare client`,
        ],
        ['cancel → backend gone p99', one(so.p99), one(sb.p99), '≤ 200 ms'],
        [
          'cancel → backend gone p50, API and worker processes',
          one(sp.p50),
          one(sb.p50),
          '',
          `the cancel sent to an API process, the CALL on a worker process (PostgreSQL + BullMQ), ${sp.n} cancels; baseline as above`,
        ],
        ['cancel → backend gone p99, API and worker processes', one(sp.p99), one(sb.p99), '≤ 200 ms'],
      ];
      for (const [measure, onward, baseline, target, note] of rows) {
        row('procedure', measure, onward, baseline, 'ms', target, note);
      }
    }
    await stopChild(limit.child);
    await stopChild(server.child);
  }
  return raw;
}
