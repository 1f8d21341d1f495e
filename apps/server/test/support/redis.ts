/** The real Redis on 127.0.0.1 for the Redis-mode suite; each test file uses its own key prefix. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';

export { inCi } from './databases';

/** The test Redis; override with ONWARD_TEST_REDIS_URL. */
export const REDIS_URL = process.env['ONWARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let reachable: boolean | undefined;

/** Whether Redis answers PING, checked synchronously in a child Node process; cached per file. */
export function redisReachable(): boolean {
  if (reachable === undefined) {
    const probe = `
      const Redis = require('ioredis');
      const r = new Redis(process.argv[1], { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
      r.connect().then(() => r.ping()).then(() => r.quit()).then(() => process.exit(0), () => process.exit(1));
    `;
    const result = spawnSync(process.execPath, ['-e', probe, REDIS_URL], { cwd: process.cwd(), timeout: 10_000 });
    reachable = result.status === 0;
  }
  return reachable;
}

export function uniqueRedisPrefix(): string {
  return `onward_t_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function redisUrlWithPrefix(prefix: string): string {
  return `${REDIS_URL}${REDIS_URL.includes('?') ? '&' : '?'}prefix=${prefix}`;
}

/** Removes every key under `prefix`. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  if (!/^onward_t_[a-z0-9_]+$/.test(prefix)) throw new Error(`refusing to delete odd prefix ${prefix}`);
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
