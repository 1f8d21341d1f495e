import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';

import { assertPostgresReachable, POSTGRES_URL } from '../../../test/support/databases';
import { REDIS_URL } from '../../../test/support/redis';
import { loadConfig } from '../config/onward-config';
import { probeEngineIo } from './engine-io.internals';
import { installedVersion } from './installed-version';
import { Internals } from './internals.service';
import { probeIoredis, redisStreamOf } from './ioredis.internals';
import { postgresPoolOf, sqliteConnectionOf } from './typeorm.internals';

/*
 * The upgrade alarm: each speed-up of internals/ against the real objects of the installed versions.
 * A failure here means a dependency moved the private field a speed-up needs; the server would start
 * with a warning and without that speed-up. Update the accessor, or drop the speed-up.
 */
describe('private internals of the installed dependencies', () => {
  it('engine.io and ws: a real WebSocket connection over loopback TCP has its TCP socket where expected', async () => {
    expect(await probeEngineIo()).toBe(true);
  });

  it("ioredis: a real client connected to Redis has its socket in 'stream'", async () => {
    const client = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      await client.ping();
      const stream = redisStreamOf(client);
      expect(stream).not.toBeNull();
      expect(stream?.writable).toBe(true);
      expect(await probeIoredis(REDIS_URL)).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it("TypeORM on better-sqlite3: the driver's connection is a better-sqlite3 Database", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onward-internals-'));
    const dataSource = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'x.sqlite') }).initialize();
    try {
      const connection = sqliteConnectionOf(dataSource);
      expect(connection).not.toBeNull();
      expect(connection?.prepare('SELECT 41 + 1 AS answer').get()).toEqual({ answer: 42 });
      expect(postgresPoolOf(dataSource)).toBeNull();
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("TypeORM on PostgreSQL: the driver's primary pool is a pg Pool", async () => {
    await assertPostgresReachable();
    const dataSource = await new DataSource({ type: 'postgres', url: POSTGRES_URL }).initialize();
    try {
      const pool = postgresPoolOf(dataSource);
      expect(pool).not.toBeNull();
      expect((await pool?.query('SELECT 41 + 1 AS answer'))?.rows).toEqual([{ answer: 42 }]);
      expect(sqliteConnectionOf(dataSource)).toBeNull();
    } finally {
      await dataSource.destroy();
    }
  });

  it('reads the installed versions the start-up warning names', () => {
    for (const name of ['engine.io', 'ws', 'ioredis', 'typeorm']) expect(installedVersion(name)).toMatch(/^\d+\.\d+\./);
    expect(installedVersion('no-such-package-here')).toBe('unknown');
  });
});

describe('Internals when a field is missing', () => {
  const config = (tuning: string) =>
    loadConfig({ ONWARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'onward-internals-')), ONWARD_TUNING: tuning });
  /** A better-sqlite3 DataSource whose driver lost the field (as after an upgrade that renamed it). */
  const withoutConnection = { options: { type: 'better-sqlite3' }, isInitialized: true, driver: {} } as DataSource;
  /** One whose driver throws on access: the accessors still answer null. */
  const throwing = {
    options: { type: 'postgres' },
    isInitialized: true,
    get driver(): never {
      throw new Error('moved');
    },
  } as unknown as DataSource;

  it('answers null, never throws, and turns the speed-up off for the rest of the process', () => {
    expect(sqliteConnectionOf(withoutConnection)).toBeNull();
    expect(postgresPoolOf(throwing)).toBeNull();
    const internals = new Internals(config('internals'), withoutConnection);
    expect(internals.uses('typeorm')).toBe(false);
    expect(internals.sqliteConnection(withoutConnection)).toBeNull();
  });

  it('reaches into nothing with ONWARD_TUNING=off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onward-internals-'));
    const dataSource = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'x.sqlite') }).initialize();
    try {
      const internals = new Internals(config('off'), dataSource);
      expect(internals.sqliteConnection(dataSource)).toBeNull();
      expect(internals.publishHook()).toBeNull();
      expect(new Internals(config('typeorm'), dataSource).sqliteConnection(dataSource)).not.toBeNull();
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
