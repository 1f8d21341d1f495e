import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

import { assertPostgresReachable, POSTGRES_URL } from '../../../test/support/databases';
import { loadConfig } from '../config/onward-config';
import { installedVersion } from './installed-version';
import { Internals } from './internals.service';
import { sqliteConnectionOf } from './typeorm.internals';

/** A real SQLite DataSource in a temporary folder, destroyed after `use`. */
async function withSqlite(use: (dataSource: DataSource) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onward-internals-'));
  const dataSource = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'x.sqlite') }).initialize();
  try {
    await use(dataSource);
  } finally {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/*
 * The upgrade alarm: each speed-up of internals/ against the real objects of the installed versions.
 * A failure here means a dependency moved the private field a speed-up needs; the server would start
 * with a warning and without that speed-up. Update the accessor, or drop the speed-up.
 */
describe('private internals of the installed dependencies', () => {
  it("TypeORM on better-sqlite3: the driver's connection is the better-sqlite3 Database it runs on", () =>
    withSqlite(async (dataSource) => {
      const connection = sqliteConnectionOf(dataSource);
      expect(connection).not.toBeNull();
      // The very connection TypeORM uses: what one writes, the other reads in the same transaction.
      await dataSource.query('CREATE TABLE t (v INTEGER)');
      connection?.prepare('INSERT INTO t (v) VALUES (42)').run();
      expect(await dataSource.query('SELECT v FROM t')).toEqual([{ v: 42 }]);
    }));

  it('TypeORM on PostgreSQL: no SQLite connection is found (the speed-up stays off)', async () => {
    await assertPostgresReachable();
    const dataSource = await new DataSource({ type: 'postgres', url: POSTGRES_URL }).initialize();
    try {
      expect(sqliteConnectionOf(dataSource)).toBeNull();
    } finally {
      await dataSource.destroy();
    }
  });

  it('reads the installed version the start-up warning names', () => {
    expect(installedVersion('typeorm')).toMatch(/^\d+\.\d+\./);
    expect(installedVersion('no-such-package-here')).toBe('unknown');
  });
});

describe('Internals', () => {
  const config = (tuning: string) =>
    loadConfig({ ONWARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'onward-internals-')), ONWARD_TUNING: tuning });
  /** A better-sqlite3 DataSource whose driver lost the field (as after an upgrade that renamed it). */
  const withoutConnection = { options: { type: 'better-sqlite3' }, isInitialized: true, driver: {} } as DataSource;
  /** One whose driver throws on access. */
  const throwing = {
    options: { type: 'better-sqlite3' },
    isInitialized: true,
    get driver(): never {
      throw new Error('moved');
    },
  } as unknown as DataSource;

  it('answers null when a field is missing, never throws, and turns the speed-up off', () => {
    expect(sqliteConnectionOf(withoutConnection)).toBeNull();
    expect(sqliteConnectionOf(throwing)).toBeNull();
    const internals = new Internals(config('internals'), withoutConnection);
    expect(internals.uses('typeorm')).toBe(false);
    expect(internals.sqliteConnection(withoutConnection)).toBeNull();
  });

  it('reaches into nothing with ONWARD_TUNING=off', () =>
    withSqlite((dataSource) => {
      expect(new Internals(config('off'), dataSource).sqliteConnection(dataSource)).toBeNull();
      expect(new Internals(config('internals'), dataSource).sqliteConnection(dataSource)).not.toBeNull();
    }));
});
