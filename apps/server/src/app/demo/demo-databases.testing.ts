/**
 * Test support (no jest globals, so it also type-checks with the app): a fresh demo database per
 * suite, on the embedded SQLite and on the real PostgreSQL at 127.0.0.1, each in its own temporary
 * directory or schema and removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSourceOptions } from 'typeorm';

import { POSTGRES_URL } from '../../../test/support/databases';
import { describeNeeding } from '../../../test/support/services';
import { DEMO_ENTITIES } from './demo.entities';
import { OnwardProgress1730000001000 } from '../database/migrations/1730000001000-onward-progress';
import { DemoTables1730000000100 } from './migrations/1730000000100-demo-tables';
import { SalesSummary1730000001100 } from './migrations/1730000001100-sales-summary';

export type DemoDatabaseKind = 'sqlite' | 'postgres';
export const DEMO_DATABASES: readonly DemoDatabaseKind[] = ['sqlite', 'postgres'];

/**
 * Declares the suite once per database. An unreachable PostgreSQL skips its variant with a warning
 * on a developer's machine, but fails it under CI=true (its beforeAll cannot connect).
 */
export function describeEachDemoDatabase(title: string, body: (kind: DemoDatabaseKind) => void): void {
  for (const kind of DEMO_DATABASES) {
    describeNeeding(kind === 'postgres' ? ['postgres'] : [], `${title} (${kind})`, () => body(kind));
  }
}

/** Where one suite's demo database lives, and how to remove it. */
export interface DemoDatabase {
  readonly options: DataSourceOptions;
  dispose(): Promise<void>;
}

async function onPostgres(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database; the DataSource made from `options` migrates it on initialize(). */
export async function createDemoDatabase(
  kind: DemoDatabaseKind,
  { procedures = false }: { procedures?: boolean } = {},
): Promise<DemoDatabase> {
  const common = {
    entities: DEMO_ENTITIES,
    // With `procedures`, also what the procedure tasks need: onward.progress and the sales summary.
    migrations: procedures
      ? [DemoTables1730000000100, OnwardProgress1730000001000, SalesSummary1730000001100]
      : [DemoTables1730000000100],
    migrationsRun: true,
    synchronize: false,
    logging: false,
  } satisfies Partial<DataSourceOptions>;
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'onward-demo-'));
    return {
      options: { ...common, type: 'better-sqlite3', database: join(dir, 'onward.sqlite') },
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const schema = `onward_demo_${randomBytes(6).toString('hex')}`;
  await onPostgres(`CREATE SCHEMA "${schema}"`);
  return {
    options: {
      ...common,
      type: 'postgres',
      url: POSTGRES_URL,
      schema,
      migrationsTransactionMode: 'each',
      extra: { max: 4 },
    },
    dispose: () => onPostgres(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}
