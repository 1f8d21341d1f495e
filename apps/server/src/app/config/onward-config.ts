import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type OnwardRole = 'all' | 'api' | 'worker';

export interface RedisConfig {
  url: string;
  /** Prefix of every key and channel (`?prefix=` on REDIS_URL; default `onward`). */
  prefix: string;
  lockDurationMs: number;
}

export type DatabaseConfig =
  { type: 'sqlite'; file: string } | { type: 'postgres'; url: string; schema: string | null };

/** The whole configuration of one Onward process, validated once at boot. */
export interface OnwardConfig {
  port: number;
  dataDir: string;
  resultsDir: string;
  database: DatabaseConfig;
  /** Set when REDIS_URL is: the queue runs on BullMQ and processes share work and live updates. */
  redis: RedisConfig | null;
  role: OnwardRole;
  concurrency: number;
  userConcurrency: number;
  /** On SIGTERM, how long running runs may take to finish before they are handed back (queued again). */
  shutdownGraceMs: number;
  jwtSecret: string;
  demoUsers: boolean;
  /** Folder of the built monitor app served at `/`; null when it is not built. */
  monitorDir: string | null;
  logLevels: LogLevel[];
  /** `ONWARD_BENCH_TASKS=true`: the catalogue also lists the benchmark-only tasks (`bench-noop`). */
  benchTasks: boolean;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function logLevels(env: Environment): LogLevel[] {
  const level = (env['ONWARD_LOG_LEVEL'] ?? 'log') as LogLevel;
  const index = LOG_LEVELS.indexOf(level);
  if (index < 0) throw new ConfigError('ONWARD_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return LOG_LEVELS.slice(0, index + 1);
}

/** A bad environment value; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Record<string, string | undefined>;

function positiveInt(env: Environment, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < 1 || value > max) throw new ConfigError(name, `must be between 1 and ${max}, got ${value}`);
  return value;
}

function milliseconds(env: Environment, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value > max) {
    throw new ConfigError(name, `must be a whole number of milliseconds from 0 to ${max}, got "${raw}"`);
  }
  return value;
}

function parseUrl(env: Environment, name: string, protocols: string[]): URL | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`);
  }
  return url;
}

function parseDatabase(env: Environment, dataDir: string): DatabaseConfig {
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

function parseRedis(url: URL, env: Environment): RedisConfig {
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

/** Reads the key from the environment, else from (or into) a file in the data folder. */
function jwtSecret(env: Environment, dataDir: string): string {
  const raw = env['ONWARD_JWT_SECRET'];
  if (raw !== undefined && raw !== '') {
    if (raw.length < 16) throw new ConfigError('ONWARD_JWT_SECRET', 'must be at least 16 characters long');
    return raw;
  }
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function monitorDir(env: Environment): string | null {
  const candidates = [
    env['ONWARD_MONITOR_DIR'],
    join(__dirname, '..', 'monitor', 'browser'),
    resolve('dist', 'apps', 'monitor', 'browser'),
  ].filter((c): c is string => !!c);
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? null;
}

/** Validates the environment once; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Environment): OnwardConfig {
  const port = env['PORT'] === undefined || env['PORT'] === '' ? 3000 : Number(env['PORT']);
  if (!/^\d+$/.test(env['PORT'] ?? '3000') || port > 65535) {
    throw new ConfigError('PORT', `must be a port number 0–65535, got "${env['PORT']}"`);
  }
  const role = (env['ONWARD_ROLE'] ?? 'all') as OnwardRole;
  if (!['all', 'api', 'worker'].includes(role)) {
    throw new ConfigError('ONWARD_ROLE', `must be all, api or worker, got "${role}"`);
  }
  const redis = parseUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  if (role !== 'all' && !redis) {
    throw new ConfigError('ONWARD_ROLE', `"${role}" needs REDIS_URL: without it one process must do both`);
  }
  const demo = (env['ONWARD_DEMO_USERS'] ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(demo)) {
    throw new ConfigError('ONWARD_DEMO_USERS', `must be true or false, got "${env['ONWARD_DEMO_USERS']}"`);
  }
  const bench = (env['ONWARD_BENCH_TASKS'] || 'false').toLowerCase();
  if (!['true', 'false'].includes(bench)) {
    throw new ConfigError('ONWARD_BENCH_TASKS', `must be true or false, got "${env['ONWARD_BENCH_TASKS']}"`);
  }
  const dataDir = resolve(env['ONWARD_DATA_DIR'] || './data');
  try {
    mkdirSync(join(dataDir, 'results'), { recursive: true });
  } catch (error) {
    throw new ConfigError('ONWARD_DATA_DIR', `cannot be created: ${(error as Error).message}`);
  }
  return {
    port,
    dataDir,
    resultsDir: join(dataDir, 'results'),
    database: parseDatabase(env, dataDir),
    redis: redis ? parseRedis(redis, env) : null,
    role,
    concurrency: positiveInt(env, 'ONWARD_CONCURRENCY', 4, 1000),
    userConcurrency: positiveInt(env, 'ONWARD_USER_CONCURRENCY', 3, 1000),
    shutdownGraceMs: milliseconds(env, 'ONWARD_SHUTDOWN_GRACE_MS', 10_000, 3_600_000),
    jwtSecret: jwtSecret(env, dataDir),
    demoUsers: demo === 'true',
    monitorDir: monitorDir(env),
    logLevels: logLevels(env),
    benchTasks: bench === 'true',
  };
}
