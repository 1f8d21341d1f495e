/**
 * Monitor rendering benchmark: the Running-tasks widget in headless Chromium with
 * 10,000 runs of which 50 are progressing, against a baseline of the same page with only the 50
 * progressing runs, measured in the same run on the same machine state.
 *
 * Run it alone with `node bench/lib/monitor-render.mjs [--reps=5] [--quick] [--monitor-dir=…]` after
 * `npx nx run-many -t build -p server monitor`; bench/run.mjs calls `benchMonitorRendering()`.
 *
 * Setup: the built server (`node dist/apps/server/main.js`) on a free port, SQLite in a temporary
 * ONWARD_DATA_DIR, serving the built monitor. 10,000 finished runs of `alice` (completed, failed,
 * cancelled; sales reports with files, price recalculations with values) are inserted straight into
 * the SQLite file with better-sqlite3, in the migrations' row shape: creating them through the API
 * would take minutes of real task work and measure the engine, not the widget. The 50 progressing
 * runs are real: 50 `recalculate-prices` runs of an hour each per user, started through the API with
 * ONWARD_CONCURRENCY / ONWARD_USER_CONCURRENCY raised to 100 / 50, so the server sends about 50 real
 * `run.updated` events a second to each user. `bob` gets the same 50 runs and nothing else: he is the
 * baseline, measured alternately with alice in every repetition.
 *
 * Per repetition and user, in a fresh browser context: log in, wait until the widget knows the 50
 * running runs, then
 * - first render: click "Running tasks" → the first entry of the list painted (rAF after it is in the DOM);
 * - updates: 10 s with the panel open while progress flows: the longest frame (largest gap between
 *   requestAnimationFrame callbacks), long tasks (PerformanceObserver 'longtask', > 50 ms) and, where
 *   Chromium has it, the longest long-animation-frame;
 * - scrolling: mouse-wheel scrolling through the list plus jumps to the middle and the end (as when
 *   dragging the scroll bar), with the same recorders;
 * - reload: navigation start → first entry painted with the panel remembered open (includes the REST
 *   read of the runs), and → every run loaded (the "All" count reaching the runs the widget loads).
 * The figures are medians with min–max over the repetitions. Target: no frame over 50 ms with 10,000 runs.
 *
 * Figures (medians, min–max; frame gaps come in vsync steps of 16.7 ms; load average ~9 on 2 cores
 * during the runs, so single frames are noise and the baseline shows how much):
 * - Before (3 repetitions; one list entry per held run, rendered 60 at a time as the user
 *   scrolls, the newest 1,000 runs held, each progress tick re-sorting all of them): first render
 *   184 ms (131–221) vs 157 ms (122–178) for the 50-run baseline; longest frame while updates flow
 *   150 ms (67–717) vs 50 ms (17–50), 2 long tasks; scrolling 117 ms (100–150), 3 long tasks; with
 *   all 1,000 entries rendered 233 ms (183–283), 21 long tasks; 9,050 runs never reachable. The
 *   same code holding all 10,050 runs (2 repetitions): 1,150 ms (817–1,483) with updates, 1,292 ms
 *   scrolling, 26 and 71 long tasks.
 * - After (5 repetitions; virtual list, every unfinished run + the newest 200, older pages on
 *   scroll, ticks patch the list in place): first render 81 ms (78–109) vs baseline 82 ms
 *   (73–315); longest frame with updates 16.8 ms (16.8–50) vs 16.8 (16.8–83), 0 long tasks;
 *   scrolling 33 ms (33–33) vs 50 (17–67), 0 long tasks; after scrolling to the end of all 10,050
 *   runs (8.2 s, 50 pages): updates 33 ms (17–50), 0 long tasks, scrolling 33 ms (17–67), 0 (0–1)
 *   long tasks; reload → first entry 465 ms (416–1,189) vs baseline 440 ms (386–1,365). Target
 *   met: no median frame over 50 ms, and the worst single frames (67 ms) are no worse than the
 *   baseline's (67–83 ms).
 * Chromium is /usr/bin/chromium through playwright-core (never a downloaded browser). On the shared
 * 2-core machines single frames are noisy: compare the 10k figures with the baseline of the same run.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKSPACE = resolve(HERE, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Debian's Chromium through `baseDir`'s playwright-core (never a downloaded browser). */
export async function launchChromium(baseDir = WORKSPACE) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const { chromium } = await import(pathToFileURL(join(baseDir, 'node_modules/playwright-core/index.mjs')).href);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Signs a demo user (password = name) in on the host's login page; resolves on its Customers page. */
export async function signIn(page, baseUrl, user) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Customers' }).waitFor();
}

const FINISHED_RUNS = 10_000;
const PROGRESSING = 50;
const TARGET_FRAME_MS = 50;

/**
 * Runs the benchmark; resolves `{ rows, raw }`: `rows` for the bench's table
 * (`{ section, measure, onward: { median, min, max }, unit, target }`), `raw` every sample.
 */
export async function benchMonitorRendering({ baseDir = WORKSPACE, reps = 5, quick = false, monitorDir } = {}) {
  const serverJs = join(baseDir, 'dist/apps/server/main.js');
  monitorDir ??= join(baseDir, 'dist/apps/monitor/browser');
  for (const file of [serverJs, join(monitorDir, 'index.html')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npx nx run-many -t build -p server monitor`);
  }
  const { default: Database } = await import(
    pathToFileURL(join(baseDir, 'node_modules/better-sqlite3/lib/index.js')).href
  );

  const updatesMs = quick ? 5_000 : 10_000;
  const repetitions = quick ? Math.min(reps, 2) : reps;
  const server = await startServer(baseDir, serverJs, monitorDir);
  let browser;
  try {
    const users = {};
    for (const name of ['alice', 'bob']) users[name] = await login(server.url, name);
    insertFinishedRuns(Database, server.dataDir, users.alice.user, FINISHED_RUNS);
    for (const name of ['alice', 'bob']) await startProgressing(server.url, users[name].token, PROGRESSING);
    await waitRunning(server.url, [users.alice.token, users.bob.token], PROGRESSING);

    browser = await launchChromium(baseDir);
    const cases = [
      { key: 'baseline', user: 'bob', runs: PROGRESSING, label: `${PROGRESSING} runs (baseline)` },
      { key: 'large', user: 'alice', runs: FINISHED_RUNS + PROGRESSING, label: `${FINISHED_RUNS} runs` },
    ];
    const raw = { baseline: [], large: [] };
    for (let rep = 0; rep < repetitions; rep++) {
      for (const c of cases) {
        const sample = await measure(browser, server.url, c, { updatesMs, screenshot: rep === 0 && c.key === 'large' });
        raw[c.key].push(sample);
        log(`rep ${rep + 1}/${repetitions} ${c.label}: ${JSON.stringify(sample)}`);
      }
    }
    return { rows: toRows(raw, cases), raw };
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}

// ---- measuring in the page ---------------------------------------------------------------------

/** Installed before any script of the page: frame-gap, long-task and LoAF recorders, first-entry watch. */
export function recorders() {
  const b = {
    recording: false,
    gaps: [],
    longtasks: [],
    loafs: [],
    firstEntryAt: null,
    start() {
      b.gaps = [];
      b.longtasks = [];
      b.loafs = [];
      b.entryUpdates = 0;
      b.last = 0;
      b.recording = true;
    },
    stop() {
      b.recording = false;
      return {
        maxFrame: b.gaps.length ? Math.max(...b.gaps) : 0,
        frames: b.gaps.length,
        framesOver50: b.gaps.filter((g) => g > 50).length,
        longTasks: b.longtasks.length,
        maxLongTask: b.longtasks.length ? Math.max(...b.longtasks) : 0,
        maxLoaf: b.loafs.length ? Math.max(...b.loafs) : null,
        entryUpdates: b.entryUpdates,
      };
    },
  };
  window.__bench = b;
  const entry = () => document.querySelector('[role="dialog"] [role="listitem"][data-run-id]');
  const tick = (t) => {
    if (b.recording && b.last) b.gaps.push(t - b.last);
    b.last = t;
    if (b.firstEntryAt === null && entry()) b.firstEntryAt = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // DOM changes inside list entries (progress text, bars, names): proof that updates reached the screen.
  new MutationObserver((records) => {
    if (!b.recording) return;
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (node?.closest?.('[role="listitem"][data-run-id]')) b.entryUpdates++;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  try {
    new PerformanceObserver((list) => {
      if (b.recording) for (const e of list.getEntries()) b.longtasks.push(e.duration);
    }).observe({ type: 'longtask' });
  } catch {
    /* not supported */
  }
  try {
    new PerformanceObserver((list) => {
      if (b.recording) for (const e of list.getEntries()) b.loafs.push(e.duration);
    }).observe({ type: 'long-animation-frame' });
  } catch {
    /* not supported */
  }
}

async function measure(browser, baseUrl, c, { updatesMs, screenshot }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(120_000);
  await context.addInitScript(recorders);
  const page = await context.newPage();
  try {
    await signIn(page, baseUrl, c.user);
    await page.getByRole('button', { name: new RegExp(`^Running tasks, ${PROGRESSING} running`) }).waitFor();
    await settle(page);

    // Time to first render: click → the first entry painted.
    const firstRender = await page.evaluate(
      () =>
        new Promise((resolveOpen) => {
          const button = [...document.querySelectorAll('button')].find((el) =>
            (el.getAttribute('aria-label') ?? '').startsWith('Running tasks'),
          );
          const t0 = performance.now();
          button.click();
          const check = () => {
            if (document.querySelector('[role="dialog"] [role="listitem"][data-run-id]')) {
              // The frame after the one that committed the entries: they are on screen.
              requestAnimationFrame(() => resolveOpen(performance.now() - t0));
            } else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
    );
    const list = page.getByRole('dialog', { name: 'Running tasks' });
    const loadedAll = await waitAllLoaded(page, c.runs);

    // Updates flowing with the list at the top (the 50 running entries in view).
    await page.evaluate(() => window.__bench.start());
    await page.waitForTimeout(updatesMs);
    const updates = await page.evaluate(() => window.__bench.stop());
    if (screenshot) {
      mkdirSync(join(WORKSPACE, 'dist/bench'), { recursive: true });
      await page.mouse.move(0, 0);
      await list.screenshot({ path: join(WORKSPACE, 'dist/bench/monitor-10k-panel.png') });
    }

    const box = await list.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const scrolling = await scrollAround(page);

    // The user who scrolls to the end of everything: every run loaded (and held), then the same again.
    let all = null;
    if (c.runs > PROGRESSING) {
      const loadStart = Date.now();
      const held = await loadEverything(page, c.runs);
      const loadMs = Date.now() - loadStart;
      await scrollTo(page, 0);
      await page.waitForTimeout(300);
      await page.evaluate(() => window.__bench.start());
      await page.waitForTimeout(updatesMs);
      const allUpdates = await page.evaluate(() => window.__bench.stop());
      const allScrolling = await scrollAround(page);
      if (screenshot) {
        await scrollTo(page, 0.5);
        await page.waitForTimeout(500);
        await page.mouse.move(0, 0);
        await list.screenshot({ path: join(WORKSPACE, 'dist/bench/monitor-10k-panel-middle.png') });
      }
      all = { held, loadMs, updates: allUpdates, scrolling: allScrolling };
    }

    // Reload with the panel remembered open: navigation → first entry painted, → all loaded.
    await page.reload();
    const reloadFirst = await page.waitForFunction(() => window.__bench.firstEntryAt, null, { polling: 50 });
    const reloadFirstMs = await reloadFirst.jsonValue();
    const reloadAll = await waitAllLoaded(page, c.runs, true);
    return {
      firstRenderMs: round(firstRender),
      loadedRuns: loadedAll.count,
      updates,
      scrolling,
      all,
      reloadFirstEntryMs: round(reloadFirstMs),
      reloadAllLoadedMs: reloadAll.atMs === null ? null : round(reloadAll.atMs),
    };
  } finally {
    await context.close();
  }
}

/** Wheel steps, then jumps to the middle, the end, a quarter and the top (as with the scroll bar), recorded. */
async function scrollAround(page) {
  await page.evaluate(() => window.__bench.start());
  for (let i = 0; i < 30; i++) {
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(60);
  }
  for (const to of [0.5, 1, 0.25, 0]) {
    await scrollTo(page, to);
    await page.waitForTimeout(400);
  }
  return page.evaluate(() => window.__bench.stop());
}

/** Sets the list's scroll position to a fraction of its height. */
async function scrollTo(page, fraction) {
  await page.evaluate((to) => {
    const el = document.querySelector('[role="dialog"] [role="listitem"][data-run-id]');
    let scroller = document.scrollingElement;
    for (let n = el; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (/(auto|scroll)/.test(style.overflowY) && n.scrollHeight > n.clientHeight) {
        scroller = n;
        break;
      }
    }
    scroller.scrollTop = to * (scroller.scrollHeight - scroller.clientHeight);
  }, fraction);
}

/**
 * Scrolls to the end of the list again and again (letting the widget load or render what it holds
 * back) until it lists `expected` runs and offers nothing more; returns the runs it then lists.
 */
async function loadEverything(page, expected) {
  const deadline = Date.now() + 240_000;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    await scrollTo(page, 1);
    await page.waitForTimeout(150);
    const { count, more } = await page.evaluate(() => {
      const dialog = document.querySelector('[role="dialog"]');
      const toggle = [...dialog.querySelectorAll('mat-button-toggle')].find((el) =>
        (el.textContent ?? '').trim().startsWith('All'),
      );
      const n = Number((toggle?.querySelector('.count')?.textContent ?? '').replace(/\D/g, '') || -1);
      const button = [...dialog.querySelectorAll('button')].find((b) =>
        /^(Show \d+ more|Load older)/.test(b.textContent.trim()),
      );
      const loading = !!dialog.querySelector('[data-loading-more="true"]');
      return { count: n, more: !!button || loading };
    });
    if (!more && count >= expected) return count;
    // Nothing more offered and nothing new for 2 s: the widget lists no more than this.
    if (more || count !== last) {
      last = count;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 2_000) return count;
    if (Date.now() > deadline) return count;
  }
}

/**
 * Waits until the "All" filter count reaches `expected` or stops growing for 2 s (a widget that
 * loads only part of the runs); returns the count and when (performance.now) it was first reached.
 */
async function waitAllLoaded(page, expected, sinceNavigation = false) {
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { count, at } = await page.evaluate(() => {
      const toggle = [...document.querySelectorAll('[role="dialog"] mat-button-toggle')].find((el) =>
        (el.textContent ?? '').trim().startsWith('All'),
      );
      const n = Number((toggle?.querySelector('.count')?.textContent ?? '').replace(/\D/g, '') || -1);
      return { count: n, at: performance.now() };
    });
    if (count >= expected) return { count, atMs: sinceNavigation ? at : null };
    if (count !== last) {
      last = count;
      stableSince = Date.now();
    } else if (count > 0 && Date.now() - stableSince > 2_000) return { count, atMs: null };
    if (Date.now() > deadline) throw new Error(`the panel never listed its runs (last count ${count})`);
    await page.waitForTimeout(50);
  }
}

/** Two quiet frames, so the click does not land in the middle of the login's work. */
async function settle(page) {
  await page.waitForTimeout(500);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// ---- the server and its data -------------------------------------------------------------------

async function startServer(baseDir, serverJs, monitorDir) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'onward-bench-monitor-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PORT: String(port),
    ONWARD_DATA_DIR: dataDir,
    ONWARD_MONITOR_DIR: monitorDir,
    ONWARD_LOG_LEVEL: 'warn',
    ONWARD_CONCURRENCY: String(2 * PROGRESSING),
    ONWARD_USER_CONCURRENCY: String(PROGRESSING),
  };
  const child = spawn(process.execPath, [serverJs], { cwd: baseDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-10_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise((r) => child.once('exit', () => ((exited = true), r())));
  const url = `http://127.0.0.1:${port}`;
  // Interrupted (Ctrl-C, a killed bench): take the server and its data folder along.
  const onSignal = (signal) => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stop = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the server exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, dataDir, stop };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

async function api(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function login(baseUrl, name) {
  const { accessToken, user } = await api(baseUrl, null, 'POST', '/api/auth/login', { username: name, password: name });
  return { token: accessToken, user };
}

/** 10,000 finished background runs in the row shape of the core-tables migration, oldest a week ago. */
function insertFinishedRuns(Database, dataDir, user, count) {
  const db = new Database(join(dataDir, 'onward.sqlite'));
  db.pragma('busy_timeout = 10000');
  const insert =
    db.prepare(`INSERT INTO runs (id, task, title, kind, owner_id, owner_username, mode, status, parameters,
    display, progress_percent, progress_message, result, error_message, error_details, parent_id, position, scheduler,
    created_at, started_at, finished_at, version, attempts)
    VALUES (@id, @task, @title, @kind, @ownerId, @ownerUsername, 'background', @status, @parameters, @display,
    @percent, @message, @result, @errorMessage, @errorDetails, NULL, NULL, NULL, @createdAt, @startedAt, @finishedAt, 4, 1)`);
  const customers = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'];
  const categories = ['Hardware', 'Software', 'Services'];
  const newest = Date.now() - 60_000;
  const all = db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const created = newest - i * 60_000;
      const status = i % 17 === 3 ? 'failed' : i % 23 === 5 ? 'cancelled' : 'completed';
      const report = i % 2 === 0;
      const parameters = report
        ? { customer: customers[i % 5], year: 2024 + (i % 2) }
        : { category: categories[i % 3], seconds: 10 };
      const display = report ? parameters : { category: parameters.category };
      insert.run({
        id: randomUUID(),
        task: report ? 'sales-report' : 'recalculate-prices',
        title: report ? 'Sales report' : 'Recalculate prices',
        kind: report ? 'report' : 'task',
        ownerId: user.id,
        ownerUsername: user.username,
        status,
        parameters: JSON.stringify(parameters),
        display: JSON.stringify(display),
        percent: status === 'completed' ? 100 : 40,
        message: status === 'completed' ? (report ? 'Done' : 'Updated 24 prices') : report ? 'Orders' : 'Chunk 4 of 10',
        result:
          status !== 'completed'
            ? null
            : JSON.stringify(
                report
                  ? {
                      type: 'file',
                      fileName: `sales-${parameters.customer.toLowerCase()}-${parameters.year}.pdf`,
                      contentType: 'application/pdf',
                      size: 20_000 + i,
                    }
                  : { type: 'value', value: { updated: 24 } },
              ),
        errorMessage: status === 'failed' ? 'The database went away' : null,
        errorDetails: status === 'failed' ? 'Error: connection reset\n    at bench' : null,
        createdAt: new Date(created).toISOString(),
        startedAt: new Date(created + 500).toISOString(),
        finishedAt: new Date(created + 10_500).toISOString(),
      });
    }
  });
  all();
  db.close();
}

async function startProgressing(baseUrl, token, count) {
  const categories = ['Hardware', 'Software', 'Services'];
  for (let i = 0; i < count; i++) {
    await api(baseUrl, token, 'POST', '/api/runs', {
      task: 'recalculate-prices',
      parameters: { category: categories[i % 3], seconds: 3600 },
      mode: 'background',
    });
  }
}

async function waitRunning(baseUrl, tokens, count) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    let ready = true;
    for (const token of tokens) {
      const page = await api(baseUrl, token, 'GET', '/api/runs?status=running&limit=200');
      if (page.items.length < count) ready = false;
    }
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the ${count} progressing runs did not all start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---- figures -----------------------------------------------------------------------------------

function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median: round(median), min: round(v[0]), max: round(v[v.length - 1]) };
}

function round(x) {
  return Math.round(x * 10) / 10;
}

function toRows(raw, cases) {
  const measures = [
    { measure: 'first render (open panel → entries painted)', pick: (s) => s.firstRenderMs, unit: 'ms', target: '' },
    {
      measure: 'longest frame, updates flowing',
      pick: (s) => s.updates.maxFrame,
      unit: 'ms',
      target: `≤ ${TARGET_FRAME_MS} ms`,
    },
    {
      measure: 'entry updates seen in the updates window',
      pick: (s) => s.updates.entryUpdates,
      unit: 'count',
      target: '',
    },
    { measure: 'long tasks, updates flowing', pick: (s) => s.updates.longTasks, unit: 'count', target: '0' },
    {
      measure: 'longest long task, updates flowing',
      pick: (s) => s.updates.maxLongTask,
      unit: 'ms',
      target: `≤ ${TARGET_FRAME_MS} ms`,
    },
    {
      measure: 'longest frame, scrolling',
      pick: (s) => s.scrolling.maxFrame,
      unit: 'ms',
      target: `≤ ${TARGET_FRAME_MS} ms`,
    },
    { measure: 'long tasks, scrolling', pick: (s) => s.scrolling.longTasks, unit: 'count', target: '0' },
    {
      measure: 'longest long task, scrolling',
      pick: (s) => s.scrolling.maxLongTask,
      unit: 'ms',
      target: `≤ ${TARGET_FRAME_MS} ms`,
    },
    {
      measure: 'longest frame, updates flowing, all runs loaded',
      pick: (s) => s.all?.updates.maxFrame,
      unit: 'ms',
      target: `≤ ${TARGET_FRAME_MS} ms`,
    },
    {
      measure: 'long tasks, updates flowing, all runs loaded',
      pick: (s) => s.all?.updates.longTasks,
      unit: 'count',
      target: '0',
    },
    {
      measure: 'longest frame, scrolling, all runs loaded',
      pick: (s) => s.all?.scrolling.maxFrame,
      unit: 'ms',
      target: `≤ ${TARGET_FRAME_MS} ms`,
    },
    {
      measure: 'long tasks, scrolling, all runs loaded',
      pick: (s) => s.all?.scrolling.longTasks,
      unit: 'count',
      target: '0',
    },
    { measure: 'scrolling to the end until all runs are loaded', pick: (s) => s.all?.loadMs, unit: 'ms', target: '' },
    { measure: 'runs in the list when all are loaded', pick: (s) => s.all?.held, unit: 'runs', target: '' },
    { measure: 'reload → first entry painted', pick: (s) => s.reloadFirstEntryMs, unit: 'ms', target: '' },
    { measure: 'reload → all runs loaded', pick: (s) => s.reloadAllLoadedMs, unit: 'ms', target: '' },
    { measure: 'runs in the list', pick: (s) => s.loadedRuns, unit: 'runs', target: '' },
  ];
  const rows = [];
  for (const m of measures) {
    for (const c of cases) {
      const figure = stats(raw[c.key].map(m.pick));
      if (!figure) continue;
      rows.push({
        section: 'monitor',
        measure: `${m.measure}, ${c.label}`,
        onward: figure,
        unit: m.unit,
        target: m.target,
      });
    }
  }
  return rows;
}

function log(line) {
  if (process.env.BENCH_VERBOSE !== 'false') console.error(`[monitor] ${line}`);
}

function printTable(rows) {
  const cells = rows.map((r) => [
    r.measure,
    String(r.onward.median),
    `${r.onward.min}–${r.onward.max}`,
    r.unit,
    r.target,
  ]);
  const head = ['measure', 'median', 'min–max', 'unit', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}`));
  const repsArg = arg('reps=');
  const reps = repsArg ? Number(repsArg.split('=')[1]) : 5;
  const dirArg = arg('monitor-dir=');
  benchMonitorRendering({ reps, quick: !!arg('quick'), monitorDir: dirArg ? resolve(dirArg.split('=')[1]) : undefined })
    .then(({ rows }) => printTable(rows))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
