// Shared helpers of the benchmark: processes, ports, HTTP, statistics, CPU accounting, cleanup.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync, mkdirSync, closeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SERVER_NODE_FLAGS } from '../../tools/server-node-flags.mjs';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(BENCH_DIR, '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const LOG_DIR = join(RESULTS_DIR, 'logs');
// BENCH_SERVER_MAIN: another build of the server, e.g. to compare two commits on the same machine.
export const SERVER_MAIN = process.env.BENCH_SERVER_MAIN ?? join(ROOT, 'dist', 'apps', 'server', 'main.js');
export const PROBE = join(BENCH_DIR, 'lib', 'probe.cjs');
export const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_BASE = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const nowMs = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- statistics
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
export function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}
export function median(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** Median and range over repetitions. */
export function agg(values) {
  const f = values.filter((v) => Number.isFinite(v));
  return {
    median: median(f),
    min: f.length ? Math.min(...f) : NaN,
    max: f.length ? Math.max(...f) : NaN,
    reps: values,
  };
}

// ---------------------------------------------------------------- processes and cleanup
const children = new Set();
const cleanups = [];
export function onCleanup(fn) {
  cleanups.push(fn);
}
export async function cleanupAll() {
  for (const child of children) killChild(child, 'SIGKILL');
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup: ${error.message}`);
    }
  }
}

export function killChild(child, signal = 'SIGTERM') {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, signal); // by id, never by name
    } catch {
      /* already gone */
    }
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export function stopChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => killChild(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    killChild(child, 'SIGTERM');
  });
}

let logCounter = 0;
/** Spawns `node args` with output into bench/results/logs/<name>.log; tracked for cleanup and CPU. */
export function spawnNode(name, args, { env = {}, ipc = false, cwd = ROOT } = {}) {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${String(++logCounter).padStart(2, '0')}-${name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
  });
  closeSync(fd);
  child.logFile = logFile;
  child.benchName = name;
  children.add(child);
  cpu.track(child.pid);
  child.on('exit', () => children.delete(child));
  return child;
}

export function tempDir(tag) {
  const dir = mkdtempSync(join(os.tmpdir(), `onward-bench-${tag}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Waits for a line containing `text` in a child's log file. */
export async function waitForLog(child, text, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = readFileSync(child.logFile, 'utf8');
    if (log.includes(text)) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.benchName} exited (${child.exitCode ?? child.signalCode}); see ${child.logFile}`);
    }
    await sleep(100);
  }
  throw new Error(`${child.benchName}: "${text}" did not appear within ${timeoutMs} ms; see ${child.logFile}`);
}

export async function waitForHttp(child, url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.benchName} exited (${child.exitCode ?? child.signalCode}); see ${child.logFile}`);
    }
    try {
      const res = await request('GET', url);
      if (res.status === 200) return;
    } catch {
      /* not yet */
    }
    await sleep(150);
  }
  throw new Error(`${child.benchName}: ${url} did not answer within ${timeoutMs} ms; see ${child.logFile}`);
}

// ---------------------------------------------------------------- Onward servers
let resourceCounter = 0;
const tag = () => `${process.pid}_${++resourceCounter}`;

/** A fresh PostgreSQL schema, dropped at cleanup. */
export async function pgSchema() {
  const pg = (await import('pg')).default;
  const name = `bench_${tag()}`;
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${name}`);
  await client.end();
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_BASE });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await c.end();
  };
  onCleanup(drop);
  return { name, url: `${PG_BASE}?schema=${name}`, plainUrl: PG_BASE };
}

/** A fresh Redis key prefix, whose keys are deleted at cleanup. */
export async function redisPrefix() {
  const prefix = `bench-${tag().replace('_', '-')}`;
  onCleanup(async () => {
    const { default: IORedis } = await import('ioredis');
    const redis = new IORedis(REDIS_BASE, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  });
  return { prefix, url: `${REDIS_BASE}?prefix=${prefix}`, plainUrl: REDIS_BASE };
}

/**
 * Starts one Onward process from dist/, with the benchmark-only tasks (`ONWARD_BENCH_TASKS=true`,
 * for `bench-noop`). `probe` preloads bench/lib/probe.cjs (emit timestamps over IPC).
 */
export async function startOnward(name, { env = {}, probe = false, waitReady = true, nodeArgs = [] } = {}) {
  const port = env.ONWARD_ROLE === 'worker' ? 0 : await freePort();
  const dataDir = env.ONWARD_DATA_DIR ?? tempDir(name);
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles every Onward process.
  // The server starts as the README deploys it (tools/server-node-flags.mjs, MALLOC_ARENA_MAX=2);
  // later flags, and MALLOC_ARENA_MAX in the bench's environment, override it.
  const args = [
    ...SERVER_NODE_FLAGS,
    ...nodeArgs,
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  if (probe) args.push('--require', PROBE);
  args.push(SERVER_MAIN);
  const child = spawnNode(name, args, {
    ipc: probe,
    env: {
      PORT: String(port),
      ONWARD_DATA_DIR: dataDir,
      ONWARD_LOG_LEVEL: env.ONWARD_ROLE === 'worker' ? 'log' : 'warn',
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      ONWARD_JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
      ONWARD_BENCH_TASKS: 'true',
      // The benchmarks queue thousands of one user's runs on purpose.
      ONWARD_MAX_QUEUED_PER_USER: '1000000',
      ...(probe ? { BENCH_PROBE: '1' } : {}),
      ...env,
    },
  });
  const server = { child, port, dataDir, base: `http://127.0.0.1:${port}` };
  if (waitReady) await serverReady(server, env.ONWARD_ROLE);
  return server;
}

export async function serverReady(server, role) {
  if (role === 'worker') await waitForLog(server.child, 'Onward worker is running');
  else await waitForHttp(server.child, `${server.base}/health`);
}

/** Talks to the probe preloaded into a server (bench/lib/probe.cjs). */
export function probeCall(child, message, timeoutMs = 30_000) {
  return new Promise((resolveCall, reject) => {
    const id = Math.random().toString(36).slice(2);
    const timer = setTimeout(() => reject(new Error('probe did not answer')), timeoutMs);
    const onMessage = (m) => {
      if (m && m.probeReply === id) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolveCall(m.data);
      }
    };
    child.on('message', onMessage);
    child.send({ ...message, probeId: id });
  });
}

export async function login(base, username) {
  const res = await request('POST', `${base}/api/auth/login`, { body: { username, password: username } });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  return res.json.accessToken;
}

// ---------------------------------------------------------------- HTTP
export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(method, url, { body, token, timeoutMs = 30_000 } = {}) {
  return new Promise((resolveReq, reject) => {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          resolveReq({ status: res.statusCode, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// ---------------------------------------------------------------- CPU accounting
const TICK = 100; // USER_HZ on Linux

function readTotalBusy() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
function readPidTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return null;
  }
}

/**
 * The CPU the whole machine used during a window, minus what the bench's own processes (this one
 * and every child it spawned) used: the remainder is "other" load (including the PostgreSQL and
 * Redis work that the bench itself causes).
 */
class CpuMeter {
  pids = new Map(); // pid -> { first, last }
  constructor() {
    this.track(process.pid);
    this.timer = setInterval(() => this.sample(), 250);
    this.timer.unref();
  }
  track(pid) {
    const t = readPidTicks(pid);
    if (t !== null && !this.pids.has(pid)) this.pids.set(pid, { first: t, last: t, base: t });
  }
  sample() {
    for (const [pid, e] of this.pids) {
      const t = readPidTicks(pid);
      if (t !== null) e.last = t;
    }
  }
  ownTicks() {
    this.sample();
    let sum = 0;
    for (const e of this.pids.values()) sum += e.last - e.base;
    return sum;
  }
  pidTicks(pid) {
    this.sample();
    const e = this.pids.get(pid);
    return e ? e.last : null;
  }
  window() {
    const start = { t: Date.now(), sys: readTotalBusy(), own: this.ownTicks(), load: os.loadavg()[0] };
    return {
      stop: () => {
        const sys = readTotalBusy();
        const seconds = (Date.now() - start.t) / 1000;
        const busyCores = (sys.busy - start.sys.busy) / TICK / seconds;
        const ownCores = (this.ownTicks() - start.own) / TICK / seconds;
        return {
          seconds,
          machineCores: os.cpus().length,
          busyCores: round(busyCores, 2),
          ownCores: round(ownCores, 2),
          otherCores: round(Math.max(0, busyCores - ownCores), 2),
          loadavg1: round(os.loadavg()[0], 2),
          loadavg1AtStart: round(start.load, 2),
        };
      },
    };
  }
}
export const cpu = new CpuMeter();

/** CPU cores one process used while `fn` ran. */
export function processCpu(pid) {
  const start = { t: Date.now(), ticks: readPidTicks(pid) };
  return () => {
    const ticks = readPidTicks(pid);
    const seconds = (Date.now() - start.t) / 1000;
    return ticks === null || start.ticks === null ? NaN : round((ticks - start.ticks) / TICK / seconds, 2);
  };
}

/** Processes of the machine's database and Redis services, by command name (shared: other load on them counts too). */
const SERVICE_COMMANDS = ['postgres', 'redis-server'];

/** Ticks of each database and Redis process now, by pid. */
function serviceTicks() {
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command;
    try {
      command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue; // gone meanwhile
    }
    if (!SERVICE_COMMANDS.some((name) => command.startsWith(name))) continue;
    const t = readPidTicks(entry);
    if (t !== null) ticks.set(entry, t);
  }
  return ticks;
}

/**
 * CPU a measurement cost per run: in the server process `pid` and in PostgreSQL and Redis. Call the
 * result with the number of runs once the measurement is over; µs per run. A service process that
 * ended meanwhile (a closed PostgreSQL connection's backend) is not counted: a slight undercount.
 */
export function cpuPerRun(pid) {
  const start = { own: readPidTicks(pid), services: serviceTicks() };
  return (runs) => {
    const perRun = (ticks) => round(((ticks / TICK) * 1e6) / runs, 0);
    const own = readPidTicks(pid);
    let services = 0;
    for (const [servicePid, ticks] of serviceTicks()) services += ticks - (start.services.get(servicePid) ?? 0);
    return {
      process: own === null || start.own === null ? NaN : perRun(own - start.own),
      services: perRun(services),
    };
  };
}

export function round(v, digits = 1) {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Waits until `predicate()` is true, polling. */
export async function until(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** VmRSS of a process (this one when `pid` is omitted), in MB; NaN once it is gone. */
export function rssMb(pid = process.pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN; // gone
  }
}

/** Samples a process's RSS every 50 ms; the returned function stops and gives the peak (MB). */
export function rssPeak(pid = process.pid) {
  let peak = rssMb(pid);
  const sample = () => {
    const now = rssMb(pid);
    if (Number.isFinite(now)) peak = Number.isFinite(peak) ? Math.max(peak, now) : now;
  };
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return round(peak, 0);
  };
}
