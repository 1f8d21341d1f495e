import { join } from 'node:path';

import { ConfigError, type Environment, parseUrl } from './env-values';

/** Where the data lives (`DATABASE_URL`: SQLite or PostgreSQL) and the shared queue (`REDIS_URL`). */

export interface RedisConfig {
  url: string;
  /** Prefix of every key and channel (`?prefix=` on REDIS_URL; default `onward`). */
  prefix: string;
  lockDurationMs: number;
}

export type DatabaseConfig =
  { type: 'sqlite'; file: string } | { type: 'postgres'; url: string; schema: string | null };

export function parseDatabase(env: Environment, dataDir: string): DatabaseConfig {
  const url = parseUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (!url) return { type: 'sqlite', file: join(dataDir, 'onward.sqlite') };
  // `?schema=` selects a PostgreSQL schema (tests and side-by-side installs); pg does not know it.
  const schema = url.searchParams.get('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('DATABASE_URL', `has an invalid schema name "${schema}" (lower-case letters, digits, _)`);
  }
  url.searchParams.delete('schema');
  return { type: 'postgres', url: url.toString(), schema };
}

export function parseRedis(url: URL, env: Environment): RedisConfig {
  const prefix = url.searchParams.get('prefix') ?? 'onward';
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(prefix)) {
    throw new ConfigError('REDIS_URL', `has an invalid prefix "${prefix}" (letters, digits, _ : . -)`);
  }
  url.searchParams.delete('prefix');
  const lock = env['ONWARD_LOCK_MS'] ? Number(env['ONWARD_LOCK_MS']) : 5000;
  if (!Number.isInteger(lock) || lock < 1000 || lock > 600_000) {
    throw new ConfigError('ONWARD_LOCK_MS', `must be a whole number of milliseconds from 1000 to 600000`);
  }
  return { url: url.toString(), prefix, lockDurationMs: lock };
}
