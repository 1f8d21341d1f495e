import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, loadConfig } from './onward-config';

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

  it('lists the benchmark-only tasks only when ONWARD_BENCH_TASKS=true', () => {
    const dir = dataDir();
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: 'true' }).benchTasks).toBe(true);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: 'TRUE' }).benchTasks).toBe(true);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: 'false' }).benchTasks).toBe(false);
    expect(loadConfig({ ONWARD_DATA_DIR: dir, ONWARD_BENCH_TASKS: '' }).benchTasks).toBe(false);
  });

  it.each([
    [{ ONWARD_CONCURRENCY: '-1' }, 'ONWARD_CONCURRENCY'],
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
