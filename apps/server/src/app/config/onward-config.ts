import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
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

/** The claims of a host token that Onward reads (`ONWARD_JWT_*_CLAIM`). */
export interface JwtClaimNames {
  /** The user's stable id (default `sub`). */
  id: string;
  /** The display name (default `name`, else the username claim). */
  name: string;
  /** The login name (default `preferred_username`, else the id). */
  username: string;
  /** An array of role names (default `roles`). */
  roles: string;
}

export type JwtAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
const JWT_ALGORITHMS: JwtAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Who the callers are: Onward's own users, or the host application's tokens. */
export type AuthConfig =
  | { mode: 'local' }
  | {
      mode: 'jwt';
      /** Exactly one of `jwksUrl` and `publicKeyPem` is set. */
      jwksUrl: string | null;
      publicKeyPem: string | null;
      issuer: string;
      audience: string;
      /** Asymmetric algorithms only: never `none` or an HMAC. */
      algorithms: JwtAlgorithm[];
      adminRole: string;
      claims: JwtClaimNames;
    };

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
}

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
  /** `ONWARD_BOOTSTRAP_ADMIN=name:password`: created at start when no admin exists (local mode). */
  bootstrapAdmin: { username: string; password: string } | null;
  limits: LimitsConfig;
  /** Finished runs older than this are deleted (`ONWARD_RETENTION`); 0 keeps everything. */
  retentionMs: number;
  /** Browser origins allowed to call the API and open sockets (`ONWARD_CORS_ORIGINS`); empty = same origin only. */
  corsOrigins: string[];
  /** Folder of the built monitor app served at `/`; null when it is not built. */
  monitorDir: string | null;
  logLevels: LogLevel[];
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

/** The shortest signing key accepted: 256 bits, as HS256 wants. */
const MIN_SECRET_BYTES = 32;

/**
 * Reads the key from the environment, else from (or into) `jwt-secret` in the data folder. The file
 * is written whole under a temporary name and then linked into place, which fails if it exists: of
 * processes that start together on one data folder, one creates it and every other reads that one.
 */
function jwtSecret(env: Environment, dataDir: string): string {
  const raw = env['ONWARD_JWT_SECRET'];
  if (raw !== undefined && raw !== '') {
    if (Buffer.byteLength(raw) < MIN_SECRET_BYTES) {
      throw new ConfigError('ONWARD_JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes long`);
    }
    return raw;
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(48).toString('base64url'));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, file); // atomic, and refuses to replace a file another process made first
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ConfigError(
      'ONWARD_JWT_SECRET',
      `is unset and ${file} holds ${secret ? 'a key shorter than' : 'no key, not even'} ${MIN_SECRET_BYTES} bytes: delete the file to have a new key made, or set ONWARD_JWT_SECRET`,
    );
  }
  return secret;
}

function bool(env: Environment, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
  return raw === 'true';
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `10m`, `45s` or `0` (forever), in milliseconds. */
function duration(env: Environment, name: string, fallback: number): number {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  if (raw === '0') return 0;
  const match = /^(\d{1,6})([smhd])$/.exec(raw);
  if (!match || Number(match[1]) === 0) {
    throw new ConfigError(
      name,
      `must be a duration such as 30d, 12h, 10m or 45s, or 0 to keep everything; got "${raw}"`,
    );
  }
  return Number(match[1]) * DURATION_UNITS[match[2]];
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

function required(env: Environment, name: string, why: string): string {
  const raw = (env[name] ?? '').trim();
  if (raw === '') throw new ConfigError(name, `must be set ${why}`);
  return raw;
}

function claimName(env: Environment, name: string, fallback: string): string {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  if (!/^[A-Za-z0-9_:/.-]{1,200}$/.test(raw)) throw new ConfigError(name, `must be a claim name, got "${raw}"`);
  return raw;
}

function parseAuth(env: Environment): AuthConfig {
  const mode = (env['ONWARD_AUTH'] ?? '').trim() || 'local';
  if (mode === 'local') return { mode };
  if (mode !== 'jwt') throw new ConfigError('ONWARD_AUTH', `must be local or jwt, got "${mode}"`);
  const jwksUrl = parseUrl(env, 'ONWARD_JWT_JWKS_URL', ['https:', 'http:']);
  const pem = (env['ONWARD_JWT_PUBLIC_KEY'] ?? '').trim().replace(/\\n/g, '\n');
  if (!jwksUrl === !pem) {
    throw new ConfigError(
      jwksUrl ? 'ONWARD_JWT_PUBLIC_KEY' : 'ONWARD_JWT_JWKS_URL',
      'or ONWARD_JWT_PUBLIC_KEY: exactly one must be set with ONWARD_AUTH=jwt',
    );
  }
  if (pem && !/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----$/.test(pem)) {
    throw new ConfigError('ONWARD_JWT_PUBLIC_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY----- …)');
  }
  const algorithms = (env['ONWARD_JWT_ALGORITHMS'] ?? 'RS256,ES256')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const unknown = algorithms.find((a) => !JWT_ALGORITHMS.includes(a as JwtAlgorithm));
  if (unknown !== undefined || algorithms.length === 0) {
    throw new ConfigError(
      'ONWARD_JWT_ALGORITHMS',
      `must list asymmetric algorithms among ${JWT_ALGORITHMS.join(', ')}; got "${unknown ?? ''}"`,
    );
  }
  return {
    mode,
    jwksUrl: jwksUrl?.toString() ?? null,
    publicKeyPem: pem || null,
    issuer: required(env, 'ONWARD_JWT_ISSUER', "with ONWARD_AUTH=jwt (the iss of the host's tokens)"),
    audience: required(env, 'ONWARD_JWT_AUDIENCE', "with ONWARD_AUTH=jwt (the aud of the host's tokens)"),
    algorithms: algorithms as JwtAlgorithm[],
    adminRole: (env['ONWARD_JWT_ADMIN_ROLE'] ?? '').trim() || 'onward-admin',
    claims: {
      id: claimName(env, 'ONWARD_JWT_ID_CLAIM', 'sub'),
      name: claimName(env, 'ONWARD_JWT_NAME_CLAIM', 'name'),
      username: claimName(env, 'ONWARD_JWT_USERNAME_CLAIM', 'preferred_username'),
      roles: claimName(env, 'ONWARD_JWT_ROLES_CLAIM', 'roles'),
    },
  };
}

function parseBootstrapAdmin(env: Environment): { username: string; password: string } | null {
  const raw = env['ONWARD_BOOTSTRAP_ADMIN'];
  if (raw === undefined || raw === '') return null;
  const colon = raw.indexOf(':');
  const username = colon > 0 ? raw.slice(0, colon) : '';
  const password = colon > 0 ? raw.slice(colon + 1) : '';
  if (!/^[A-Za-z0-9_.@-]{1,100}$/.test(username) || password.length < 8) {
    throw new ConfigError(
      'ONWARD_BOOTSTRAP_ADMIN',
      'must be name:password (a name of letters, digits, _ . @ -, a password of at least 8 characters)',
    );
  }
  return { username, password };
}

function parseCorsOrigins(env: Environment): string[] {
  const raw = (env['ONWARD_CORS_ORIGINS'] ?? '').trim();
  if (raw === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      // named below
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        'ONWARD_CORS_ORIGINS',
        `must list origins such as https://erp.example.com, got "${origin}"`,
      );
    }
    return origin;
  });
}

function parseTrustProxy(env: Environment): boolean | string[] {
  const raw = (env['ONWARD_TRUST_PROXY'] ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    return (
      family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))
    );
  });
  if (bad !== undefined) {
    throw new ConfigError(
      'ONWARD_TRUST_PROXY',
      `must be true, false, or proxy addresses such as 10.0.0.1,10.1.0.0/16; got "${bad}"`,
    );
  }
  return entries;
}

function parseDemoIdpUrl(env: Environment, auth: AuthConfig, production: boolean): string | null {
  const url = parseUrl(env, 'ONWARD_DEMO_IDP_URL', ['http:', 'https:']);
  if (!url) return null;
  if (auth.mode !== 'jwt') throw new ConfigError('ONWARD_DEMO_IDP_URL', 'needs ONWARD_AUTH=jwt');
  if (production) {
    throw new ConfigError('ONWARD_DEMO_IDP_URL', 'is a demo setting and is refused under NODE_ENV=production');
  }
  return url.toString().replace(/\/+$/, '');
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

function parseHost(env: Environment): string | null {
  const raw = (env['HOST'] ?? '').trim();
  if (raw === '') return null;
  if (raw !== 'localhost' && isIP(raw) === 0) {
    throw new ConfigError('HOST', `must be an IP address or localhost, got "${raw}"`);
  }
  return raw;
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
    },
    retentionMs,
    corsOrigins: parseCorsOrigins(env),
    monitorDir: monitorDir(env),
    logLevels: logLevels(env),
    benchTasks,
    accountCheckMs: positiveInt(env, 'ONWARD_ACCOUNT_CHECK_MS', 30_000, 30_000),
    loginMaxFailures: positiveInt(env, 'ONWARD_LOGIN_MAX_FAILURES', 5, 1_000_000),
    trustProxy: parseTrustProxy(env),
    demoIdpUrl: parseDemoIdpUrl(env, auth, production),
    retentionSweepMs: retentionSweep(env, retentionMs),
    internals: parseTuning(env),
  };
}
