// Section `observability`: lifecycle runs/s with Prometheus metrics on (ONWARD_METRICS_TOKEN set and
// /metrics scraped every second, as a Prometheus would) against off, same build, same run, measurements
// alternating in reversed order every other repetition. Target: on ≥ 0.95 × off.
import { agg, login, request, startOnward, stopChild } from './util.mjs';

const TOKEN = 'bench-metrics-token-0123456789';
const SCRAPE_EVERY_MS = 1_000;

/** Scrapes `/metrics` every second until stopped; returns how many scrapes answered 200. */
function scraper(base) {
  let ok = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const res = await request('GET', `${base}/metrics`, { token: TOKEN }).catch(() => null);
      if (res?.status === 200) ok++;
      await new Promise((resolve) => setTimeout(resolve, SCRAPE_EVERY_MS));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return ok;
  };
}

// Two identical servers differ by up to a fifth in runs/s over 2,000-run measurements on a 2-core
// machine (0.74× once); over 10,000 runs, 8 alternating repetitions, they agree within 2 %.
const MIN_RUNS = 10_000;
const MIN_REPS = 8;

export async function sectionObservability({ opts, row, log, onwardLifecycle }) {
  const conc = String(opts.concurrency[0]);
  const runs = opts.quick ? opts.runs : Math.max(opts.runs, MIN_RUNS);
  const reps = opts.quick ? opts.reps : Math.max(opts.reps, MIN_REPS);
  const base = { ONWARD_CONCURRENCY: conc, ONWARD_USER_CONCURRENCY: conc };
  const contenders = [];
  for (const [label, env] of [
    ['off', base],
    ['on', { ...base, ONWARD_METRICS_TOKEN: TOKEN }],
  ]) {
    const server = await startOnward(`observability-${label}`, { env });
    contenders.push({ label, server, token: await login(server.base, 'alice'), perSecond: [], cpu: [] });
  }
  for (const c of contenders) await onwardLifecycle(c.server, c.token, runs); // warm-up, not counted
  let scrapes = 0;
  for (let rep = 0; rep < reps; rep++) {
    for (const c of rep % 2 ? [...contenders].reverse() : contenders) {
      const stop = c.label === 'on' ? scraper(c.server.base) : null;
      const r = await onwardLifecycle(c.server, c.token, runs);
      if (stop) scrapes += await stop();
      c.perSecond.push(r.perSecond);
      c.cpu.push(r.cpu.process);
      log(
        `observability c=${conc} rep ${rep + 1}: metrics ${c.label} ${Math.round(r.perSecond)} runs/s, CPU per run ${r.cpu.process} µs`,
      );
    }
  }
  const [off, on] = contenders;
  const ratio = agg(on.perSecond).median / agg(off.perSecond).median;
  row(
    'observability',
    `lifecycle runs/s, metrics on (scraped every second) vs off, SQLite, concurrency ${conc}`,
    agg(on.perSecond),
    agg(off.perSecond),
    'runs/s',
    '≥ 0.95×',
    `${runs} runs per measurement, ${reps} repetitions alternating; ${scrapes} scrapes answered`,
  );
  // On a shared machine runs/s swings by a fifth between two identical servers; the CPU each run costs
  // the server process is the steadier figure.
  row(
    'observability',
    `CPU per run in the server process, metrics on vs off`,
    agg(on.cpu),
    agg(off.cpu),
    'µs',
    'context',
  );
  log(`observability: on/off = ${ratio.toFixed(3)}`);
  for (const c of contenders) await stopChild(c.server.child);
  return { on: on.perSecond, off: off.perSecond, cpuOn: on.cpu, cpuOff: off.cpu, ratio, scrapes };
}
