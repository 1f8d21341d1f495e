/**
 * Test support (no jest globals, so it also type-checks with the app): a fresh demo database per
 * suite, on the embedded SQLite and on the real PostgreSQL at 127.0.0.1, each in its own temporary
 * directory or schema and removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSourceOptions } from 'typeorm';

import { DEMO_ENTITIES } from './demo.entities';
import { OnwardProgress1730000001000 } from '../database/migrations/1730000001000-onward-progress';
import { DemoTables1730000000100 } from './migrations/1730000000100-demo-tables';
import { SalesSummary1730000001100 } from './migrations/1730000001100-sales-summary';

export type DemoDatabaseKind = 'sqlite' | 'postgres';
export const DEMO_DATABASES: readonly DemoDatabaseKind[] = ['sqlite', 'postgres'];

/** The test PostgreSQL; the same variable as the API suites' (without `?schema=`). */
export const POSTGRES_URL = process.env['ONWARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const inCi = (): boolean => !!process.env['CI'] && process.env['CI'] !== 'false' && process.env['CI'] !== '0';

let reachable: boolean | undefined;

/** Checked synchronously in a child process, because describe blocks are collected synchronously. */
function postgresReachable(): boolean {
  if (reachable === undefined) {
    const probe = `
      const { Client } = require('pg');
      const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
      c.connect().then(() => c.query('select 1')).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
    `;
    const result = spawnSync(process.execPath, ['-e', probe, POSTGRES_URL], { cwd: process.cwd(), timeout: 10_000 });
    reachable = result.status === 0;
  }
  return reachable;
}

type SuiteFn = (name: string, body: () => void) => void;

/**
 * Declares the suite once per database. An unreachable PostgreSQL skips its variant with a warning
 * on a developer's machine, but fails it under CI=true (its beforeAll cannot connect).
 */
export function describeEachDemoDatabase(
  describe: SuiteFn & { skip: SuiteFn },
  title: string,
  body: (kind: DemoDatabaseKind) => void,
): void {
  for (const kind of DEMO_DATABASES) {
    if (kind === 'postgres' && !inCi() && !postgresReachable()) {
      console.warn(
        `PostgreSQL at ${POSTGRES_URL} is unreachable: skipping "${title} (postgres)"; under CI=true it fails.`,
      );
      describe.skip(`${title} (${kind})`, () => body(kind));
    } else {
      describe(`${title} (${kind})`, () => body(kind));
    }
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
