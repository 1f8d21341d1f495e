/**
 * A private `redis-server` on a free loopback port, without persistence, that a test can stop and
 * start again on the same port (the machine's shared Redis on 6379 stays untouched).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';

import { inCi } from '../../support/databases';
import { freePort } from '../../support/process';
import { describeCluster } from './cluster';

export const REDIS_SERVER_BINARY = process.env['ONWARD_TEST_REDIS_SERVER'] ?? 'redis-server';

export function redisServerAvailable(): boolean {
  return spawnSync(REDIS_SERVER_BINARY, ['--version'], { timeout: 5_000 }).status === 0;
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private output = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'onward-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** Starts redis-server on this port and waits until it answers PING. */
  async start(withinMs = 10_000): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const outputBefore = this.output.length;
    const child = spawn(
      REDIS_SERVER_BINARY,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    child.once('error', (error) => {
      this.output += `\n${error.message}`;
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`redis-server exited at start:\n${this.output}`);
      // Connection attempts before it listens would leave ioredis timers behind.
      if (!/Ready to accept connections/.test(this.output.slice(outputBefore))) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        continue;
      }
      const redis = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await redis.connect();
        if ((await redis.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        redis.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`redis-server did not answer on port ${this.port} within ${withinMs} ms:\n${this.output}`);
  }

  /** Stops it the hard way (its data is gone: it keeps none on disk). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // 'close', not 'exit': its output pipes are closed too, so no handle outlives the test.
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGKILL');
    await closed;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `describeCluster` for suites that also start their own `redis-server`: without the binary they are
 * skipped with a warning, except in CI (CI=true), where they run and fail.
 */
export function describeWithRedisServer(title: string, body: () => void): void {
  if (!inCi() && !redisServerAvailable()) {
    console.warn(`\n⚠ redis-server is not installed: skipping "${title}". In CI this fails.\n`);
    describe.skip(title, () => undefined);
    return;
  }
  describeCluster(title, body);
}
