/**
 * Reads every row the server stored, straight from its database, for the few facts a user relies on
 * that the API cannot show (e.g. that passwords are not kept in clear).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

import { POSTGRES_URL, postgresQuery } from './databases';
import type { TestServer } from './server';

export type StoredRow = Record<string, unknown>;

/** The slice of better-sqlite3 used here (the package ships no types and @types is not installed). */
interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
type SqliteConstructor = new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
const Database = require('better-sqlite3') as SqliteConstructor;

function sqliteFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => /\.(sqlite3?|db)$/.test(name))
    .map((name) => join(dataDir, name));
}

/** Every row of every table, tagged with its table name in `__table`. */
export async function allStoredRows(server: TestServer): Promise<StoredRow[]> {
  if (server.schema) {
    const tables = await postgresQuery<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [server.schema],
    );
    const rows: StoredRow[] = [];
    for (const { table_name } of tables) {
      const found = await postgresQuery<{ row: StoredRow }>(
        `SELECT row_to_json(t) AS row FROM "${server.schema}"."${table_name.replace(/"/g, '""')}" t`,
      );
      rows.push(...found.map(({ row }) => ({ __table: table_name, ...row })));
    }
    return rows;
  }
  const files = sqliteFiles(server.dataDir);
  if (files.length === 0) throw new Error(`no SQLite file in ${server.dataDir}`);
  const rows: StoredRow[] = [];
  for (const file of files) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
      for (const { name } of tables) {
        const found = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as StoredRow[];
        rows.push(...found.map((row) => ({ __table: name, ...row })));
      }
    } finally {
      db.close();
    }
  }
  return rows;
}

/** Every row of every table, read again and again over one open connection (cheap enough per request). */
export interface StoredRowReader {
  /** Each table's rows as sorted JSON lines, keyed by table name. */
  snapshot(): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

const sortedLines = (rows: unknown[]): string[] => rows.map((row) => JSON.stringify(row)).sort();

export async function openStoredRowReader(server: TestServer): Promise<StoredRowReader> {
  if (server.schema) {
    const schema = server.schema;
    const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    return {
      async snapshot() {
        const tables = await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
          [schema],
        );
        const result: Record<string, string[]> = {};
        for (const { table_name } of tables.rows) {
          const found = await client.query<{ row: StoredRow }>(
            `SELECT row_to_json(t) AS row FROM "${schema}"."${table_name.replace(/"/g, '""')}" t`,
          );
          result[table_name] = sortedLines(found.rows.map(({ row }) => row));
        }
        return result;
      },
      close: () => client.end(),
    };
  }
  const databases = sqliteFiles(server.dataDir).map(
    (file) => new Database(file, { readonly: true, fileMustExist: true }),
  );
  if (databases.length === 0) throw new Error(`no SQLite file in ${server.dataDir}`);
  return {
    async snapshot() {
      const result: Record<string, string[]> = {};
      for (const db of databases) {
        const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
        for (const { name } of tables) {
          result[name] = sortedLines(db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all());
        }
      }
      return result;
    },
    async close() {
      for (const db of databases) db.close();
    },
  };
}

/** What changed between two snapshots, one line per added or removed row (empty: nothing). */
export function snapshotDifferences(
  before: Record<string, string[]>,
  after: Record<string, string[]>,
  max = 5,
): string[] {
  const changes: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = new Set(before[table] ?? []);
    const is = new Set(after[table] ?? []);
    for (const row of is) if (!was.has(row)) changes.push(`${table} + ${row.slice(0, 300)}`);
    for (const row of was) if (!is.has(row)) changes.push(`${table} - ${row.slice(0, 300)}`);
  }
  return changes.slice(0, max);
}

/** One run's stored row (snake_case columns), e.g. for `attempts`, which the API does not show. */
export async function storedRun(server: Pick<TestServer, 'schema' | 'dataDir'>, id: string): Promise<StoredRow> {
  if (server.schema) {
    const [row] = await postgresQuery(`SELECT * FROM "${server.schema}".runs WHERE id = $1`, [id]);
    if (!row) throw new Error(`no stored run ${id} in schema ${server.schema}`);
    return row;
  }
  for (const file of sqliteFiles(server.dataDir)) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const found = db.prepare('SELECT * FROM runs WHERE id = ?').all(id) as StoredRow[];
      if (found[0]) return found[0];
    } catch {
      // another database file, without a runs table
    } finally {
      db.close();
    }
  }
  throw new Error(`no stored run ${id} in ${server.dataDir}`);
}

/** A scheduler's subtask as stored: what shows that it ran once, in its turn. */
export interface StoredSubtask {
  position: number;
  status: string;
  attempts: number;
  startedAt: string | null;
  errorMessage: string | null;
}

/**
 * The stored subtasks of scheduler `parentId`, in row order, read from the database of a server (its
 * PostgreSQL schema, or the SQLite file in its data folder).
 */
export async function storedSubtasks(
  server: Pick<TestServer, 'schema' | 'dataDir'>,
  parentId: string,
): Promise<StoredSubtask[]> {
  const columns =
    'position, status, attempts, started_at AS "startedAt", error_message AS "errorMessage" ' +
    'FROM runs WHERE parent_id = $1 ORDER BY position';
  if (server.schema) {
    const rows = await postgresQuery<Record<string, unknown>>(
      `SELECT ${columns.replace('FROM runs', `FROM "${server.schema}".runs`)}`,
      [parentId],
    );
    return rows.map(
      (row) => ({ ...row, startedAt: row['startedAt'] ? String(row['startedAt']) : null }) as StoredSubtask,
    );
  }
  const [file] = sqliteFiles(server.dataDir);
  if (!file) throw new Error(`no SQLite file in ${server.dataDir}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const statement = db.prepare(`SELECT ${columns.replace('$1', '?')}`) as unknown as {
      all(...params: unknown[]): StoredSubtask[];
    };
    return statement.all(parentId);
  } finally {
    db.close();
  }
}
