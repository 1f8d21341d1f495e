/**
 * The databases every API suite runs against: the embedded SQLite file and the real PostgreSQL
 * on 127.0.0.1. Each test file gets its own PostgreSQL schema, dropped afterwards.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

import { describeNeeding, type Service } from './services';

/** `postgres+redis`: PostgreSQL with the queue on Redis (BullMQ), under a key prefix of its own. */
export type DatabaseKind = 'sqlite' | 'postgres' | 'postgres+redis';
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres', 'postgres+redis'];

/** The test PostgreSQL; override with ONWARD_TEST_POSTGRES_URL (without `?schema=`). */
export const POSTGRES_URL = process.env['ONWARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export const inCi = (): boolean => !!process.env['CI'] && process.env['CI'] !== 'false' && process.env['CI'] !== '0';

let reachable: boolean | undefined;

/**
 * Whether PostgreSQL answers, checked synchronously (describe blocks are collected synchronously)
 * in a child Node process; cached for the test file.
 */
export function postgresReachable(): boolean {
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

/** What each kind needs besides the embedded SQLite. */
const NEEDS: Record<DatabaseKind, Service[]> = {
  sqlite: [],
  postgres: ['postgres'],
  'postgres+redis': ['postgres', 'redis'],
};

/**
 * `describe.each(DATABASES)` that runs the PostgreSQL variant whenever it can: in CI an unreachable
 * PostgreSQL fails the run (the suite's beforeAll cannot connect); elsewhere it is skipped with a
 * warning (`describeNeeding`).
 */
export function describeEachDatabase(title: string, body: (db: DatabaseKind) => void): void {
  for (const db of DATABASES) describeNeeding(NEEDS[db], `${title} (${db})`, () => body(db));
}

/** A fresh, unique schema name for one server of one test file. */
export function uniqueSchemaName(): string {
  return `onward_t_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function postgresUrlWithSchema(schema: string): string {
  return `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** Runs one query on the test PostgreSQL with a short-lived connection. */
export async function postgresQuery<T extends Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Fails fast, naming the address, when PostgreSQL does not answer (in CI that must fail the run). */
export async function assertPostgresReachable(): Promise<void> {
  try {
    await postgresQuery('SELECT 1');
  } catch (error) {
    throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable: ${(error as Error).message}`);
  }
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop odd schema name ${schema}`);
  await postgresQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
