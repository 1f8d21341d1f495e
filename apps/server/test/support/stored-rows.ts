/**
 * Reads every row the server stored, straight from its database, for the few facts a user relies on
 * that the API cannot show (e.g. that passwords are not kept in clear).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { postgresQuery } from './databases';
import type { TestServer } from './server';

export type StoredRow = Record<string, unknown>;

/** The slice of better-sqlite3 used here (the package ships no types and @types is not installed). */
interface SqliteDatabase {
  prepare(sql: string): { all(): unknown[] };
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
