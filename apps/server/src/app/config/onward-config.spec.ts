import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from './env-values';
import { loadConfig } from './onward-config';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'onward-config-'));

describe('loadConfig', () => {
  it('gives the embedded defaults', () => {
    const dir = dataDir();
    const config = loadConfig({ ONWARD_DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 3000,
      dataDir: dir,
      database: { type: 'sqlite', file: join(dir, 'onward.sqlite') },
      redis: null,
      role: 'all',
      concurrency: 4,
      userConcurrency: 3,
      shutdownGraceMs: 10_000,
      demoUsers: true,
      benchTasks: false,
      production: false,
      host: null,
      auth: { mode: 'local' },
      bootstrapAdmin: null,
      limits: { maxRows: 10_000, queuedPerUser: 1000, socketsPerUser: 250, waitsPerUser: 100 },
      retentionMs: 30 * 86_400_000,
      corsOrigins: [],
    });
    // The generated signing key is kept, so tokens survive a restart.
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(config.jwtSecret);
    expect(loadConfig({ ONWARD_DATA_DIR: dir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('reads PostgreSQL with a schema and Redis with a prefix', () => {
    const config = loadConfig({
      ONWARD_DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test?schema=onward_x',
      REDIS_URL: 'redis://127.0.0.1:6379/2?prefix=t1',
      ONWARD_ROLE: 'worker',
    });
    expect(config.database).toEqual({
      type: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/test',
      schema: 'onward_x',
    });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379/2', prefix: 't1', lockDurationMs: 5000 });
  });

  it('takes a shutdown grace of zero (hand runs back at once)', () => {
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs).toBe(0);
  });

  it('reads ONWARD_METRICS_TOKEN (unset: metrics off) and ONWARD_LOG_FORMAT (json or pretty only)', () => {
    const dir = dataDir();
    expect(loadConfig({ ONWARD_DATA_DIR: dir }).metricsToken).toBeNull();
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_METRICS_TOKEN: ' s3cret ' }).metricsToken).toBe('s3cret');
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_LOG_FORMAT: 'JSON' }).logFormat).toBe('json');
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_LOG_FORMAT: 'xml' })).toThrow(/ONWARD_LOG_FORMAT/);
  });

  it('lists the benchmark-only tasks only when ONWARD_BENCH_TASKS=true', () => {
    const dir = dataDir();
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: 'true' }).benchTasks).toBe(true);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: 'TRUE' }).benchTasks).toBe(true);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: 'false' }).benchTasks).toBe(false);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: '' }).benchTasks).toBe(false);
    expect(loadConfig({ ONWARD_DATA_DIR: dir }).queuePlaces).toBe(true);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_QUEUE_PLACES: 'false' }).queuePlaces).toBe(false);
  });

  it('turns the demo users off in production, and reads the deployment settings', () => {
    const config = loadConfig({
      ONWARD_DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      ONWARD_BOOTSTRAP_ADMIN: 'root:correct horse battery',
      ONWARD_RETENTION: '12h',
      ONWARD_CORS_ORIGINS: 'https://erp.example.com, http://localhost:4200',
      ONWARD_MAX_ROWS: '250',
      ONWARD_MAX_QUEUED_PER_USER: '5',
      ONWARD_MAX_SOCKETS_PER_USER: '2',
      ONWARD_MAX_WAITS_PER_USER: '3',
    });
    expect(config).toMatchObject({
      production: true,
      demoUsers: false,
      host: '127.0.0.1',
      bootstrapAdmin: { username: 'root', password: 'correct horse battery' },
      retentionMs: 12 * 3_600_000,
      corsOrigins: ['https://erp.example.com', 'http://localhost:4200'],
      limits: { maxRows: 250, queuedPerUser: 5, socketsPerUser: 2, waitsPerUser: 3 },
    });
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_RETENTION: '0' }).retentionMs).toBe(0);
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_RETENTION: '45s' }).retentionMs).toBe(45_000);
  });

  it('reads the upload limit and expiry, and refuses bad values naming the variable', () => {
    const config = loadConfig({ ONWARD_DATA_DIR: dataDir() });
    expect(config.limits.uploadBytes).toBe(1024 ** 3);
    expect(config.uploadExpiryMs).toBe(3_600_000);
    expect(config.uploadSweepMs).toBe(60_000);
    const set = loadConfig({
      ONWARD_DATA_DIR: dataDir(),
      ONWARD_MAX_UPLOAD_BYTES: '1048576',
      ONWARD_UPLOAD_EXPIRY: '45s',
      ONWARD_UPLOAD_SWEEP_MS: '200',
    });
    expect([set.limits.uploadBytes, set.uploadExpiryMs, set.uploadSweepMs]).toEqual([1_048_576, 45_000, 200]);
    expect(() => loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_MAX_UPLOAD_BYTES: '1GB' })).toThrow(
      /ONWARD_MAX_UPLOAD_BYTES/,
    );
    expect(() => loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_UPLOAD_EXPIRY: '0' })).toThrow(/ONWARD_UPLOAD_EXPIRY/);
    expect(() => loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_UPLOAD_EXPIRY: 'soon' })).toThrow(
      /ONWARD_UPLOAD_EXPIRY/,
    );
  });

  it('sweeps a tenth of the retention, between every minute and every hour, unless told', () => {
    const sweep = (env: Record<string, string>): number =>
      loadConfig({ ONWARD_DATA_DIR: dataDir(), ...env }).retentionSweepMs;
    expect(sweep({})).toBe(3_600_000);
    expect(sweep({ ONWARD_RETENTION: '2h' })).toBe(720_000);
    expect(sweep({ ONWARD_RETENTION: '20s' })).toBe(60_000);
    expect(sweep({ ONWARD_RETENTION: '0' })).toBe(3_600_000);
    expect(sweep({ ONWARD_RETENTION: '20s', ONWARD_RETENTION_SWEEP_MS: '500' })).toBe(500);
  });

  it('reads the host application identity (jwt mode) with its defaults', () => {
    const config = loadConfig({
      ONWARD_DATA_DIR: dataDir(),
      ONWARD_AUTH: 'jwt',
      ONWARD_JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      ONWARD_JWT_ISSUER: 'https://idp.example.com/',
      ONWARD_JWT_AUDIENCE: 'onward',
    });
    expect(config.auth).toEqual({
      mode: 'jwt',
      jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
      publicKeyPem: null,
      issuer: 'https://idp.example.com/',
      audience: 'onward',
      algorithms: ['RS256', 'ES256'],
      adminRole: 'onward-admin',
      claims: { id: 'sub', name: 'name', username: 'preferred_username', roles: 'roles' },
    });
    // The host owns the users: no demo accounts in jwt mode.
    expect(config.demoUsers).toBe(false);
    expect(config.demoIdpUrl).toBeNull();
  });

  it('reads the demo identity provider of the monitor app in jwt mode', () => {
    const config = loadConfig({
      ONWARD_DATA_DIR: dataDir(),
      ONWARD_AUTH: 'jwt',
      ONWARD_JWT_JWKS_URL: 'http://127.0.0.1:3100/.well-known/jwks.json',
      ONWARD_JWT_ISSUER: 'http://127.0.0.1:3100',
      ONWARD_JWT_AUDIENCE: 'onward',
      ONWARD_DEMO_IDP_URL: 'http://127.0.0.1:3100/',
    });
    expect(config.demoIdpUrl).toBe('http://127.0.0.1:3100');
  });

  it('makes one signing key for processes that start together on one data folder', async () => {
    const dir = dataDir();
    // Each process loads this module through ts-node, waits for the same instant, then races the others.
    const startAt = Date.now() + 4000;
    const probe = `
      require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
      const { loadConfig } = require(${JSON.stringify(join(__dirname, 'onward-config.ts'))});
      while (Date.now() < ${startAt});
      process.stdout.write(loadConfig({ ONWARD_DATA_DIR: process.argv[1] }).jwtSecret);`;
    const keys = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ['-e', probe, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.on('error', reject);
            child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    expect(new Set(keys).size).toBe(1);
    expect(keys[0].length).toBeGreaterThanOrEqual(32);
    expect(readdirSync(dir).filter((name) => name.startsWith('jwt-secret'))).toEqual(['jwt-secret']);
  }, 20_000);

  it('checks accounts often enough that a disabled user is locked out within 60 s', () => {
    // A token is accepted on an account state at most this old, and sockets are checked this often.
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir() }).accountCheckMs).toBeLessThanOrEqual(30_000);
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_ACCOUNT_CHECK_MS: '200' }).accountCheckMs).toBe(200);
  });

  it("blocks logins after the contract's five failures unless told otherwise", () => {
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir() }).loginMaxFailures).toBe(5);
    expect(loadConfig({ ONWARD_DATA_DIR: dataDir(), ONWARD_LOGIN_MAX_FAILURES: '50' }).loginMaxFailures).toBe(50);
  });

  it('reaches into every dependency by default, none with ONWARD_TUNING=off, or the ones listed', () => {
    const dir = dataDir();
    expect([...loadConfig({ ONWARD_DATA_DIR: dir }).internals]).toEqual(['typeorm']);
    expect([...loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_TUNING: 'internals' }).internals]).toEqual(['typeorm']);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_TUNING: 'off' }).internals.size).toBe(0);
    expect([...loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_TUNING: ' typeorm ' }).internals]).toEqual(['typeorm']);
  });

  it('trusts no proxy unless told which', () => {
    const trust = (value?: string) =>
      loadConfig({ ONWARD_DATA_DIR: dataDir(), ...(value === undefined ? {} : { ONWARD_TRUST_PROXY: value }) })
        .trustProxy;
    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('10.0.0.1, 10.1.0.0/16,::1')).toEqual(['10.0.0.1', '10.1.0.0/16', '::1']);
  });

  it.each([
    ['empty', ''],
    ['short', 'too-short-a-key'],
  ])('refuses a key file that is %s', (_case, content) => {
    const dir = dataDir();
    writeFileSync(join(dir, 'jwt-secret'), content);
    expect(() => loadConfig({ ONWARD_DATA_DIR: dir })).toThrow(/jwt-secret/);
  });

  it.each([
    [{ NODE_ENV: 'production', ONWARD_DEMO_USERS: 'true' }, 'ONWARD_DEMO_USERS'],
    [{ ONWARD_AUTH: 'ldap' }, 'ONWARD_AUTH'],
    [{ ONWARD_AUTH: 'jwt', ONWARD_JWT_ISSUER: 'i', ONWARD_JWT_AUDIENCE: 'a' }, 'ONWARD_JWT_JWKS_URL'],
    [{ ONWARD_AUTH: 'jwt', ONWARD_JWT_JWKS_URL: 'https://x/jwks', ONWARD_JWT_AUDIENCE: 'a' }, 'ONWARD_JWT_ISSUER'],
    [{ ONWARD_AUTH: 'jwt', ONWARD_JWT_JWKS_URL: 'https://x/jwks', ONWARD_JWT_ISSUER: 'i' }, 'ONWARD_JWT_AUDIENCE'],
    [
      { ONWARD_AUTH: 'jwt', ONWARD_JWT_PUBLIC_KEY: 'not a pem', ONWARD_JWT_ISSUER: 'i', ONWARD_JWT_AUDIENCE: 'a' },
      'ONWARD_JWT_PUBLIC_KEY',
    ],
    [
      {
        ONWARD_AUTH: 'jwt',
        ONWARD_JWT_JWKS_URL: 'https://x/jwks',
        ONWARD_JWT_ISSUER: 'i',
        ONWARD_JWT_AUDIENCE: 'a',
        ONWARD_JWT_ALGORITHMS: 'RS256,HS256',
      },
      'ONWARD_JWT_ALGORITHMS',
    ],
    [{ ONWARD_BOOTSTRAP_ADMIN: 'root' }, 'ONWARD_BOOTSTRAP_ADMIN'],
    [{ ONWARD_BOOTSTRAP_ADMIN: 'root:short' }, 'ONWARD_BOOTSTRAP_ADMIN'],
    [{ ONWARD_RETENTION: '30 days' }, 'ONWARD_RETENTION'],
    [{ ONWARD_STALL_WARNING_S: '-5' }, 'ONWARD_STALL_WARNING_S'],
    [{ ONWARD_STALL_WARNING_S: '2m' }, 'ONWARD_STALL_WARNING_S'],
    [{ ONWARD_RETENTION: '-1d' }, 'ONWARD_RETENTION'],
    [{ ONWARD_CORS_ORIGINS: 'erp.example.com' }, 'ONWARD_CORS_ORIGINS'],
    [{ ONWARD_CORS_ORIGINS: 'https://erp.example.com/app' }, 'ONWARD_CORS_ORIGINS'],
    [{ ONWARD_MAX_ROWS: '0' }, 'ONWARD_MAX_ROWS'],
    [{ ONWARD_MAX_ROWS: '1.5' }, 'ONWARD_MAX_ROWS'],
    [{ ONWARD_MAX_ROWS: '100001' }, 'ONWARD_MAX_ROWS'],
    [{ ONWARD_MAX_QUEUED_PER_USER: '0' }, 'ONWARD_MAX_QUEUED_PER_USER'],
    [{ ONWARD_MAX_SOCKETS_PER_USER: 'lots' }, 'ONWARD_MAX_SOCKETS_PER_USER'],
    [{ ONWARD_MAX_WAITS_PER_USER: '-2' }, 'ONWARD_MAX_WAITS_PER_USER'],
    [{ HOST: 'every interface' }, 'HOST'],
    [{ ONWARD_CONCURRENCY: '-1' }, 'ONWARD_CONCURRENCY'],
    [{ ONWARD_DEMO_ORDERS: 'many' }, 'ONWARD_DEMO_ORDERS'],
    [{ ONWARD_USER_CONCURRENCY: 'many' }, 'ONWARD_USER_CONCURRENCY'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ONWARD_ROLE: 'boss' }, 'ONWARD_ROLE'],
    [{ ONWARD_ROLE: 'worker' }, 'ONWARD_ROLE'],
    [{ ONWARD_DEMO_USERS: 'maybe' }, 'ONWARD_DEMO_USERS'],
    [{ ONWARD_JWT_SECRET: 'short' }, 'ONWARD_JWT_SECRET'],
    [{ ONWARD_LOG_LEVEL: 'loud' }, 'ONWARD_LOG_LEVEL'],
    [{ ONWARD_SHUTDOWN_GRACE_MS: '-5' }, 'ONWARD_SHUTDOWN_GRACE_MS'],
    [{ ONWARD_SHUTDOWN_GRACE_MS: '10s' }, 'ONWARD_SHUTDOWN_GRACE_MS'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', ONWARD_LOCK_MS: '500' }, 'ONWARD_LOCK_MS'],
    [{ ONWARD_BENCH_TASKS: 'yes' }, 'ONWARD_BENCH_TASKS'],
    [{ ONWARD_QUEUE_PLACES: 'off' }, 'ONWARD_QUEUE_PLACES'],
    [{ ONWARD_ACCOUNT_CHECK_MS: '60000' }, 'ONWARD_ACCOUNT_CHECK_MS'],
    [{ ONWARD_ACCOUNT_CHECK_MS: '0' }, 'ONWARD_ACCOUNT_CHECK_MS'],
    [{ ONWARD_LOGIN_MAX_FAILURES: 'none' }, 'ONWARD_LOGIN_MAX_FAILURES'],
    [{ ONWARD_TRUST_PROXY: 'nginx' }, 'ONWARD_TRUST_PROXY'],
    [{ ONWARD_TRUST_PROXY: '2' }, 'ONWARD_TRUST_PROXY'],
    [{ ONWARD_TRUST_PROXY: '10.0.0.0/33' }, 'ONWARD_TRUST_PROXY'],
    [{ ONWARD_DEMO_IDP_URL: 'http://127.0.0.1:3100' }, 'ONWARD_DEMO_IDP_URL'],
    [
      {
        NODE_ENV: 'production',
        ONWARD_DEMO_USERS: 'false',
        ONWARD_AUTH: 'jwt',
        ONWARD_JWT_JWKS_URL: 'https://x/jwks',
        ONWARD_JWT_ISSUER: 'i',
        ONWARD_JWT_AUDIENCE: 'a',
        ONWARD_DEMO_IDP_URL: 'http://127.0.0.1:3100',
      },
      'ONWARD_DEMO_IDP_URL',
    ],
    [{ ONWARD_RETENTION_SWEEP_MS: '5s' }, 'ONWARD_RETENTION_SWEEP_MS'],
    [{ ONWARD_RETENTION_SWEEP_MS: '10' }, 'ONWARD_RETENTION_SWEEP_MS'],
    [{ ONWARD_TUNING: 'on' }, 'ONWARD_TUNING'],
    [{ ONWARD_TUNING: 'typeorm,ioredis' }, 'ONWARD_TUNING'],
  ])('stops on %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ ONWARD_DATA_DIR: dataDir(), ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });
});
