import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { DEFAULT_DEMO_ORDERS } from '../demo/demo-orders';
import { type AuthConfig, jwtSecret, parseAuth, parseBootstrapAdmin, parseDemoIdpUrl } from './auth-config';
import {
  bool,
  ConfigError,
  duration,
  DURATION_UNITS,
  type Environment,
  milliseconds,
  parseUrl,
  positiveInt,
} from './env-values';
import { parseCorsOrigins, parseHost, parseTrustProxy } from './http-config';
import { type LogFormat, parseLogFormat, parseMetricsToken } from './observability-config';
import { type DatabaseConfig, parseDatabase, parseRedis, type RedisConfig } from './storage-config';

/**
 * The whole configuration, read from the environment once at boot (`loadConfig`); its parts are parsed in
 * `auth-config.ts`, `http-config.ts` and `storage-config.ts`, the value types in `env-values.ts`.
 * Somewhat over 250 lines: the `OnwardConfig` shape and `loadConfig` list every variable of the
 * contract's Configuration table once, in one place an operator can read.
 */

export type OnwardRole = 'all' | 'api' | 'worker';

/** Rows of one selection by default (`ONWARD_MAX_ROWS`). */
export const DEFAULT_MAX_ROWS = 10_000;

/**
 * The most `ONWARD_MAX_ROWS` may be: the JSON body of a start is at most 1 MiB, so more rows than this
 * could only be near-empty objects, and every row costs the validation pipe and the INSERT a little.
 */
export const MAX_ROWS_CEILING = 100_000;

/** The per-user and per-request limits; each answers a clear 4xx when reached. */
export interface LimitsConfig {
  /** Rows of one selection (`ONWARD_MAX_ROWS`): more → 400, naming the limit. */
  maxRows: number;
  /** Runs of one user waiting `queued` (`ONWARD_MAX_QUEUED_PER_USER`); a start beyond → 429. */
  queuedPerUser: number;
  /**
   * Socket.IO connections of one user at once (`ONWARD_MAX_SOCKETS_PER_USER`): a guard against a runaway
   * client (a reconnect loop, a script), high enough for a person's tabs and windows and a wall display.
   */
  socketsPerUser: number;
  /** `GET /api/runs/:id/wait` calls of one user at once (`ONWARD_MAX_WAITS_PER_USER`). */
  waitsPerUser: number;
  /** The largest upload in bytes (`ONWARD_MAX_UPLOAD_BYTES`): a longer one → 413. */
  uploadBytes: number;
}

/** The largest upload by default: 1 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;
/** The most `ONWARD_MAX_UPLOAD_BYTES` may be: 1 TiB. */
const MAX_UPLOAD_BYTES_CEILING = 1024 ** 4;

/** The whole configuration of one Onward process, validated once at boot. */
export interface OnwardConfig {
  /** `NODE_ENV=production`: demo conveniences are off and refused. */
  production: boolean;
  /** Address to listen on (`HOST`); null = every interface. */
  host: string | null;
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
  auth: AuthConfig;
  /** Seed the demo users alice, bob and admin into an empty user table. */
  demoUsers: boolean;
  /** About how many demo orders an empty database is seeded with (`ONWARD_DEMO_ORDERS`). */
  demoOrders: number;
  /** `ONWARD_BOOTSTRAP_ADMIN=name:password`: created at start when no admin exists (local mode). */
  bootstrapAdmin: { username: string; password: string } | null;
  limits: LimitsConfig;
  /** Finished runs older than this are deleted (`ONWARD_RETENTION`); 0 keeps everything. */
  retentionMs: number;
  /** A running run that reports progress is shown stalled after this long without any (`ONWARD_STALL_WARNING_S`). */
  stallWarningMs: number;
  /** `ONWARD_QUEUE_PLACES=false`: queued runs are told no place (`queue` null) and the queue is never read for it. */
  queuePlaces: boolean;
  /** Browser origins allowed to call the API and open sockets (`ONWARD_CORS_ORIGINS`); empty = same origin only. */
  corsOrigins: string[];
  /** Folder of the built monitor app served at `/`; null when it is not built. */
  monitorDir: string | null;
  logLevels: LogLevel[];
  /** `ONWARD_LOG_FORMAT`: one JSON object a line, or colored lines for a terminal. */
  logFormat: LogFormat;
  /** `ONWARD_METRICS_TOKEN`: the bearer token of `GET /metrics`; null = no metrics (404). */
  metricsToken: string | null;
  /** `ONWARD_BENCH_TASKS=true`: the catalogue also lists the benchmark-only tasks (`bench-noop`). */
  benchTasks: boolean;
  /**
   * How old a user's account state (disabled, password changed) may be when a token is accepted, and
   * how often the sockets' users are checked again (`ONWARD_ACCOUNT_CHECK_MS`, at most 30 s so that a
   * disabled user is locked out within 60 s; shorter only for tests).
   */
  accountCheckMs: number;
  /**
   * Failed logins of one username from one address allowed in 15 minutes before that pair is blocked
   * (`ONWARD_LOGIN_MAX_FAILURES`, the contract's 5 by default; suites that send many wrong passwords on
   * purpose raise it).
   */
  loginMaxFailures: number;
  /**
   * Which proxies' `X-Forwarded-For` gives the client address (`ONWARD_TRUST_PROXY`, Fastify's
   * `trustProxy`): false (the default) = the socket address, true = any proxy, or their addresses/CIDRs.
   */
  trustProxy: boolean | string[];
  /**
   * `ONWARD_DEMO_IDP_URL` (jwt mode, never in production): the demo identity provider where the
   * monitor app's login page signs in (`tools/demo-idp.mjs`); its origin joins the CSP's connect-src.
   */
  demoIdpUrl: string | null;
  /**
   * How often the retention sweep runs: a tenth of the retention, between a minute and an hour;
   * `ONWARD_RETENTION_SWEEP_MS` overrides it (tests, a very short retention).
   */
  retentionSweepMs: number;
  /** An unfinished upload with no data for this long is cancelled (`ONWARD_UPLOAD_EXPIRY`, default 1h). */
  uploadExpiryMs: number;
  /**
   * How often unfinished uploads are checked for expiry: a tenth of the expiry, between a second and a
   * minute; `ONWARD_UPLOAD_SWEEP_MS` overrides it (tests).
   */
  uploadSweepMs: number;
  /**
   * The dependencies whose private internals the speed-ups may use (`ONWARD_TUNING`): all by default,
   * none with `off`; each one missing at start falls back to the library's documented path.
   */
  internals: ReadonlySet<InternalsDependency>;
}

/** A dependency whose private internals Onward may reach into for speed (`apps/server/src/app/internals/`). */
export type InternalsDependency = 'typeorm';
export const INTERNALS_DEPENDENCIES: readonly InternalsDependency[] = ['typeorm'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function logLevels(env: Environment): LogLevel[] {
  const level = (env['ONWARD_LOG_LEVEL'] ?? 'log') as LogLevel;
  const index = LOG_LEVELS.indexOf(level);
  if (index < 0) throw new ConfigError('ONWARD_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return LOG_LEVELS.slice(0, index + 1);
}

/** A tenth of the retention, at least every hour and at most every minute, unless overridden. */
function retentionSweep(env: Environment, retentionMs: number): number {
  const derived = Math.min(Math.max((retentionMs || 10 * DURATION_UNITS.h) / 10, DURATION_UNITS.m), DURATION_UNITS.h);
  const raw = (env['ONWARD_RETENTION_SWEEP_MS'] ?? '').trim();
  if (raw === '') return derived;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 100 || value > DURATION_UNITS.h) {
    throw new ConfigError(
      'ONWARD_RETENTION_SWEEP_MS',
      `must be a whole number of milliseconds from 100 to 3600000, got "${raw}"`,
    );
  }
  return value;
}

/** `ONWARD_UPLOAD_EXPIRY` as a duration (`45s`, `1h`); 0 (never) is refused: a stalled upload holds disk. */
function uploadExpiry(env: Environment): number {
  const expiry = duration(env, 'ONWARD_UPLOAD_EXPIRY', DURATION_UNITS.h);
  if (expiry === 0) {
    throw new ConfigError('ONWARD_UPLOAD_EXPIRY', 'must be a duration such as 1h or 45s; 0 is not allowed');
  }
  return expiry;
}

/** `internals` (every one, the default), `off` (none), or a comma-separated list of dependencies. */
function parseTuning(env: Environment): ReadonlySet<InternalsDependency> {
  const raw = (env['ONWARD_TUNING'] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'internals') return new Set(INTERNALS_DEPENDENCIES);
  if (raw === 'off') return new Set();
  const names = raw.split(',').map((name) => name.trim());
  const bad = names.find((name) => !INTERNALS_DEPENDENCIES.includes(name as InternalsDependency));
  if (bad !== undefined) {
    throw new ConfigError(
      'ONWARD_TUNING',
      `must be internals, off, or a list of ${INTERNALS_DEPENDENCIES.join(', ')}; got "${bad}"`,
    );
  }
  return new Set(names as InternalsDependency[]);
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
  const production = (env['NODE_ENV'] ?? '').trim() === 'production';
  const demoUsers = bool(env, 'ONWARD_DEMO_USERS', !production);
  if (production && demoUsers) {
    throw new ConfigError(
      'ONWARD_DEMO_USERS',
      'is true under NODE_ENV=production: the demo users have known passwords; use ONWARD_BOOTSTRAP_ADMIN for a first admin',
    );
  }
  const benchTasks = bool(env, 'ONWARD_BENCH_TASKS', false);
  const auth = parseAuth(env);
  const retentionMs = duration(env, 'ONWARD_RETENTION', 30 * DURATION_UNITS.d);
  const uploadExpiryMs = uploadExpiry(env);
  const dataDir = resolve(env['ONWARD_DATA_DIR'] || './data');
  try {
    mkdirSync(join(dataDir, 'results'), { recursive: true });
  } catch (error) {
    throw new ConfigError('ONWARD_DATA_DIR', `cannot be created: ${(error as Error).message}`);
  }
  return {
    production,
    host: parseHost(env),
    port,
    dataDir,
    resultsDir: join(dataDir, 'results'),
    database: parseDatabase(env, dataDir),
    redis: redis ? parseRedis(redis, env) : null,
    role,
    demoOrders: positiveInt(env, 'ONWARD_DEMO_ORDERS', DEFAULT_DEMO_ORDERS, 10_000_000),
    concurrency: positiveInt(env, 'ONWARD_CONCURRENCY', 4, 1000),
    userConcurrency: positiveInt(env, 'ONWARD_USER_CONCURRENCY', 3, 1000),
    shutdownGraceMs: milliseconds(env, 'ONWARD_SHUTDOWN_GRACE_MS', 10_000, 3_600_000),
    jwtSecret: jwtSecret(env, dataDir),
    auth,
    // The host application owns the users in jwt mode: no demo accounts, no local admin.
    demoUsers: auth.mode === 'local' && demoUsers,
    bootstrapAdmin: parseBootstrapAdmin(env),
    limits: {
      maxRows: positiveInt(env, 'ONWARD_MAX_ROWS', DEFAULT_MAX_ROWS, MAX_ROWS_CEILING),
      queuedPerUser: positiveInt(env, 'ONWARD_MAX_QUEUED_PER_USER', 1000, 1_000_000),
      socketsPerUser: positiveInt(env, 'ONWARD_MAX_SOCKETS_PER_USER', 250, 100_000),
      waitsPerUser: positiveInt(env, 'ONWARD_MAX_WAITS_PER_USER', 100, 100_000),
      uploadBytes: positiveInt(env, 'ONWARD_MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES_CEILING),
    },
    retentionMs,
    stallWarningMs: positiveInt(env, 'ONWARD_STALL_WARNING_S', 120, 86_400) * 1000,
    queuePlaces: bool(env, 'ONWARD_QUEUE_PLACES', true),
    corsOrigins: parseCorsOrigins(env),
    monitorDir: monitorDir(env),
    logLevels: logLevels(env),
    logFormat: parseLogFormat(env, process.stdout.isTTY === true),
    metricsToken: parseMetricsToken(env),
    benchTasks,
    accountCheckMs: positiveInt(env, 'ONWARD_ACCOUNT_CHECK_MS', 30_000, 30_000),
    loginMaxFailures: positiveInt(env, 'ONWARD_LOGIN_MAX_FAILURES', 5, 1_000_000),
    trustProxy: parseTrustProxy(env),
    demoIdpUrl: parseDemoIdpUrl(env, auth, production),
    retentionSweepMs: retentionSweep(env, retentionMs),
    uploadExpiryMs,
    uploadSweepMs:
      milliseconds(env, 'ONWARD_UPLOAD_SWEEP_MS', 0, DURATION_UNITS.m) ||
      Math.min(Math.max(uploadExpiryMs / 10, 1000), DURATION_UNITS.m),
    internals: parseTuning(env),
  };
}
