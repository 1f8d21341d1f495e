// Section `dashboard`: the admin dashboard's frame times in headless Chromium while 50 runs a
// second finish (the live refresh redraws its charts), against a baseline of the same admin on the
// host's Customers page (no charts) under the same load, alternately in each repetition.
// Per case and repetition, in a fresh browser context: log in as admin, open the page, let it
// settle, then record for the window: the longest frame (largest gap between requestAnimationFrame
// callbacks), frames over 16.7 ms and long tasks (> 50 ms). The load: `bench-noop` runs started
// by alice through the API at 50 a second, each finishing at once. Target: dashboard frame ≤ 16.7 ms.
// Needs `npx nx run-many -t build -p server monitor` and /usr/bin/chromium.
import { launchChromium, recorders, signIn } from './monitor-render.mjs';
import { agg, login, request, sleep, startOnward, stopChild } from './util.mjs';

const RUNS_PER_SECOND = 50;
const FRAME_TARGET_MS = 16.7;

/** Starts `bench-noop` runs at `RUNS_PER_SECOND` until stopped; resolves the number started. */
function startLoad(base, token) {
  let stopped = false;
  let started = 0;
  const done = (async () => {
    const tick = 100;
    const perTick = (RUNS_PER_SECOND * tick) / 1000;
    let next = performance.now();
    while (!stopped) {
      const batch = Array.from({ length: perTick }, () =>
        request('POST', `${base}/api/runs`, { token, body: { task: 'bench-noop', parameters: { ms: 0 } } }),
      );
      for (const res of await Promise.all(batch)) if (res.status < 300) started++;
      next += tick;
      await sleep(Math.max(0, next - performance.now()));
    }
    return started;
  })();
  return {
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

async function measure(browser, base, c, windowMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(60_000);
  await context.addInitScript(recorders);
  const page = await context.newPage();
  try {
    await signIn(page, base, 'admin');
    if (c.key === 'dashboard') {
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('tab', { name: 'Dashboard' }).click();
      await page.getByTestId('runs-chart').locator('canvas').first().waitFor();
      await page.getByTestId('durations-chart').locator('canvas').first().waitFor();
    }
    await page.waitForTimeout(1_000);
    await page.evaluate(() => window.__bench.start());
    await page.waitForTimeout(windowMs);
    const sample = await page.evaluate(() => window.__bench.stop());
    const gaps = await page.evaluate(() => window.__bench.gaps);
    return {
      maxFrame: sample.maxFrame,
      frames: sample.frames,
      framesOver: gaps.filter((g) => g > FRAME_TARGET_MS + 1).length,
      longTasks: sample.longTasks,
      p99Frame: [...gaps].sort((a, b) => a - b)[Math.floor(0.99 * (gaps.length - 1))] ?? 0,
    };
  } finally {
    await context.close();
  }
}

export async function sectionDashboard({ opts, row, log }) {
  const reps = opts.quick ? 2 : Math.max(3, opts.reps ?? 3);
  const windowMs = opts.quick ? 5_000 : 10_000;
  const server = await startOnward('dashboard', { env: { ONWARD_CONCURRENCY: '20' } });
  let browser;
  const raw = { dashboard: [], baseline: [], runsPerSecond: [] };
  try {
    const alice = await login(server.base, 'alice');
    browser = await launchChromium();
    const cases = [
      { key: 'baseline', label: 'host page' },
      { key: 'dashboard', label: 'dashboard' },
    ];
    for (let rep = 0; rep < reps; rep++) {
      for (const c of cases) {
        const load = startLoad(server.base, alice);
        const began = performance.now();
        const sample = await measure(browser, server.base, c, windowMs);
        const started = await load.stop();
        raw.runsPerSecond.push(started / ((performance.now() - began) / 1000));
        raw[c.key].push(sample);
        log(`dashboard rep ${rep + 1}/${reps} ${c.label}: ${JSON.stringify(sample)}`);
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await stopChild(server.child);
  }
  const rate = agg(raw.runsPerSecond).median;
  const longTasks = (samples) => samples.map((s) => s.longTasks).join(', ');
  const figures = [
    {
      metric: `longest frame while ${RUNS_PER_SECOND} runs/s finish (median of ${reps})`,
      key: 'maxFrame',
      unit: 'ms',
      target: '≤ 16.7 ms',
      note: `baseline: the host page, same load; runs started ${rate.toFixed(0)}/s`,
    },
    { metric: 'p99 frame', key: 'p99Frame', unit: 'ms', target: '≤ 16.7 ms', note: '' },
    {
      metric: 'frames over 16.7 ms per window',
      key: 'framesOver',
      unit: '',
      target: 'reported',
      note: `long tasks: ${longTasks(raw.dashboard)} vs ${longTasks(raw.baseline)}`,
    },
  ];
  for (const { metric, key, unit, target, note } of figures) {
    const pick = (samples) => agg(samples.map((s) => s[key]));
    row('dashboard', metric, pick(raw.dashboard), pick(raw.baseline), unit, target, note);
  }
  return raw;
}
