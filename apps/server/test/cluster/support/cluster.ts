/**
 * A cluster of real Onward processes (`node dist/apps/server/main.js`) sharing one PostgreSQL schema,
 * one Redis key prefix, one data folder and one signing key: API processes, worker processes, or
 * both. Every process is spawned here and killed in `teardown()`, which then deletes the Redis keys,
 * the schema and the data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import request from 'supertest';

import { POSTGRES_URL, assertPostgresReachable, dropSchema, postgresUrlWithSchema } from '../../support/databases';
import { timeOfDay } from '../../support/clock';
import { BUILT_MAIN, WORKSPACE, ensureBuiltServer, freePort } from '../../support/process';
import { REDIS_URL } from '../../support/redis';
import { describeNeeding } from '../../support/services';

export type Role = 'all' | 'api' | 'worker';

/**
 * Workers for fault tests: a 2 s lock, so that a dead one is noticed in seconds, and one job at a time,
 * so that runs queue up behind a busy worker.
 */
export const FAULT_TEST_WORKER_ENV = { ONWARD_LOCK_MS: '2000', ONWARD_CONCURRENCY: '1', ONWARD_USER_CONCURRENCY: '3' };
export type Env = Record<string, string>;

/** `onward_c_<pid>_<hex>`: the schema name and the Redis key prefix of one test file. */
export function uniqueClusterName(): string {
  return `onward_c_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * `describe` when Redis and PostgreSQL answer; otherwise skipped with a warning, except in CI
 * (CI=true), where the suite runs and its beforeAll fails on the missing service.
 */
export function describeCluster(title: string, body: () => void): void {
  describeNeeding(['postgres', 'redis'], title, body);
}

/** Fails (never skips) when a service the cluster needs is missing; builds the server if stale. */
export async function prepareCluster(redisUrl: string = REDIS_URL): Promise<void> {
  await assertPostgresReachable();
  await assertRedisReachable(redisUrl);
  if (!process.env['ONWARD_TEST_SERVER_MAIN']) ensureBuiltServer();
}

export async function assertRedisReachable(url: string): Promise<void> {
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis at ${url} is unreachable: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

/** The server to run: the built one, or ONWARD_TEST_SERVER_MAIN (e.g. a build under investigation). */
const SERVER_MAIN = process.env['ONWARD_TEST_SERVER_MAIN'] ?? BUILT_MAIN;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every child process spawned by this test file: a last-resort kill if the runner exits without teardown. */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** One real Onward process. */
export class OnwardProcess {
  private output = '';
  private exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly role: Role,
    private readonly child: ChildProcess,
    /** Base URL; a worker does not listen on it. */
    readonly url: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      // Each line stamped with the time it arrived (ms): logs of several processes can be lined up.
      let atLineStart = true;
      stream?.on('data', (chunk: Buffer) => {
        const stamp = `[${timeOfDay()}] `;
        const text = chunk.toString();
        this.output += (atLineStart ? stamp : '') + text.replace(/\n(?=.)/gs, `\n${stamp}`);
        atLineStart = text.endsWith('\n');
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        spawned.delete(child);
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  /** API/all: /health answers 200. Worker: it has logged that it started (it serves no HTTP). */
  async waitReady(withinMs = 60_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`${this.name} exited during start-up (code ${this.exitCode}):\n${this.output}`);
      if (this.role === 'worker') {
        if (/Onward worker is running .*role worker/.test(this.output)) return;
      } else {
        try {
          const res = await request(this.url).get('/health').timeout(2_000);
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
      }
      await sleep(50);
    }
    this.child.kill('SIGKILL');
    throw new Error(`${this.name} was not ready within ${withinMs} ms:\n${this.output}`);
  }

  /** SIGKILL: the process gets no chance to clean up. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The files this process holds open (Linux /proc). */
  openFiles(): string[] {
    if (!this.alive) return [];
    try {
      return readdirSync(`/proc/${this.pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${this.pid}/fd/${fd}`);
        } catch {
          return ''; // closed meanwhile
        }
      });
    } catch {
      return [];
    }
  }
}

export interface ClusterOptions {
  /** Redis to use, without `?prefix=` (default: the machine's, or ONWARD_TEST_REDIS_URL). */
  redisUrl?: string;
  /** PostgreSQL to give the processes, without `?schema=` (default: the test PostgreSQL). */
  databaseUrl?: string;
  /** Environment shared by every process of the cluster. */
  env?: Env;
  /** The Redis is a private one, discarded with its data after the test: no keys to delete. */
  disposableRedis?: boolean;
}

export class Cluster {
  /** Schema name and Redis key prefix. */
  readonly name = uniqueClusterName();
  readonly dataDir = mkdtempSync(join(tmpdir(), 'onward-cluster-'));
  readonly processes: OnwardProcess[] = [];
  readonly redisUrl: string;
  private readonly databaseUrl: string;
  private readonly env: Env;
  private readonly disposableRedis: boolean;
  private faultWorkers = 0;

  constructor(options: ClusterOptions = {}) {
    this.redisUrl = options.redisUrl ?? REDIS_URL;
    this.disposableRedis = options.disposableRedis ?? false;
    this.databaseUrl = options.databaseUrl ?? POSTGRES_URL;
    this.env = options.env ?? {};
  }

  /** The environment of a process of this cluster with `role`. */
  envFor(role: Role, extra: Env = {}): Env {
    const databaseUrl =
      this.databaseUrl === POSTGRES_URL
        ? postgresUrlWithSchema(this.name)
        : `${this.databaseUrl}${this.databaseUrl.includes('?') ? '&' : '?'}schema=${this.name}`;
    return {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      NO_COLOR: '1',
      ONWARD_DATA_DIR: this.dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: `${this.redisUrl}${this.redisUrl.includes('?') ? '&' : '?'}prefix=${this.name}`,
      // Processes that start together must sign and accept the same tokens.
      ONWARD_JWT_SECRET: `cluster-test-signing-key-${this.name}-0123456789abcdef`,
      ONWARD_ROLE: role,
      // Workers log at "log" level: their start-up line is how the test knows they are ready.
      ONWARD_LOG_LEVEL: role === 'worker' ? 'log' : 'warn',
      ...this.env,
      ...extra,
    };
  }

  /** Spawns a process without waiting for it (see `OnwardProcess.waitReady`). */
  async spawn(name: string, role: Role, extra: Env = {}): Promise<OnwardProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: WORKSPACE,
      env: { ...this.envFor(role, extra), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    spawned.add(child);
    const proc = new OnwardProcess(name, role, child, `http://127.0.0.1:${port}`);
    this.processes.push(proc);
    return proc;
  }

  /** Spawns a process and waits until it is ready. */
  async start(name: string, role: Role, extra: Env = {}): Promise<OnwardProcess> {
    const proc = await this.spawn(name, role, extra);
    await proc.waitReady();
    return proc;
  }

  /** One more worker `worker-<n>` with FAULT_TEST_WORKER_ENV (and `extra` on top). */
  startFaultWorker(extra: Env = {}): Promise<OnwardProcess> {
    return this.start(`worker-${++this.faultWorkers}`, 'worker', { ...FAULT_TEST_WORKER_ENV, ...extra });
  }

  get workers(): OnwardProcess[] {
    return this.processes.filter((p) => p.role === 'worker' && p.alive);
  }

  /** The live processes that hold a result file of `runId` open (the one executing it). */
  holdersOfResultFile(runId: string): OnwardProcess[] {
    const marker = `${join(this.dataDir, 'results', runId)}/`;
    return this.processes.filter((p) => p.openFiles().some((file) => file.startsWith(marker)));
  }

  /**
   * Waits until some process holds a result file of `runId` open, i.e. is executing a report for it
   * right now; resolves with that process.
   */
  async waitForExecutor(runId: string, withinMs = 20_000): Promise<OnwardProcess> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const holders = this.holdersOfResultFile(runId);
      if (holders.length > 1) throw new Error(`${holders.map((h) => h.name).join(' and ')} all hold run ${runId}`);
      if (holders[0]) return holders[0];
      await sleep(10);
    }
    throw new Error(`no process held a result file of run ${runId} open within ${withinMs} ms`);
  }

  /** Logs of every process, for a failure message. */
  logs(): string {
    return this.processes.map((p) => `----- ${p.name} (${p.role}, pid ${p.pid})\n${p.log.slice(-4_000)}`).join('\n');
  }

  /** Kills every process, then removes the Redis keys, the schema and the data folder. */
  async teardown(): Promise<void> {
    if (process.env['ONWARD_CLUSTER_LOGS']) console.log(this.logs());
    await Promise.all(this.processes.map((p) => p.stop(3_000)));
    const problems: string[] = [];
    if (!this.disposableRedis) {
      await deleteRedisKeys(this.redisUrl, this.name).catch((e: Error) => problems.push(`Redis keys: ${e.message}`));
    }
    await dropSchema(this.name).catch((e: Error) => problems.push(`schema: ${e.message}`));
    rmSync(this.dataDir, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`cluster clean-up failed: ${problems.join('; ')}`);
  }
}

/** Deletes every key under `prefix` (SCAN + DEL). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  if (!/^onward_c_[a-z0-9_]+$/.test(prefix)) throw new Error(`refusing to delete odd prefix ${prefix}`);
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Keys left under `prefix` (for asserting that clean-up worked). */
export async function countRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      count += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}
