/**
 * A completed upload, made the way the tus route leaves one: a run of kind `upload`, `completed`,
 * whose file result is the uploaded file, stored in the server's result folder. Written straight
 * into the server's database and data folder, for suites that need a `file` parameter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runRow } from '../../src/app/persistence/run-row.testing';
import { safeFileName } from '../../src/app/results/result-storage.service';
import { postgresQuery } from './databases';
import type { TestServer } from './server';

interface SqliteDatabase {
  prepare(sql: string): { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown };
  pragma(source: string): unknown;
  close(): void;
}
type SqliteConstructor = new (file: string, options: { fileMustExist: boolean }) => SqliteDatabase;
const Database = require('better-sqlite3') as SqliteConstructor;

/** Stores `content` as `owner`'s completed upload named `fileName`; returns the upload's run id. */
export async function insertUpload(
  server: Pick<TestServer, 'schema' | 'dataDir'>,
  owner: { id: string; username: string },
  fileName: string,
  content: string | Buffer,
): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const now = new Date().toISOString();
  const run = runRow(owner.id, {
    task: 'upload',
    title: 'Upload',
    kind: 'upload',
    ownerUsername: owner.username,
    status: 'completed',
    parameters: {},
    display: { fileName },
    progressPercent: 100,
    result: { type: 'file', fileName, contentType: 'text/csv', size: bytes.length },
    startedAt: now,
    finishedAt: now,
  });
  const folder = join(server.dataDir, 'results', run.id);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, safeFileName(fileName)), bytes);
  const values = [
    run.id,
    run.task,
    run.title,
    run.kind,
    run.ownerId,
    run.ownerUsername,
    run.mode,
    run.status,
    JSON.stringify(run.parameters),
    JSON.stringify(run.display),
    run.progressPercent,
    JSON.stringify(run.result),
    run.createdAt,
    run.startedAt,
    run.finishedAt,
    run.version,
    run.attempts,
  ];
  const columns =
    'id, task, title, kind, owner_id, owner_username, mode, status, parameters, display, progress_percent, ' +
    'result, created_at, started_at, finished_at, version, attempts';
  if (server.schema) {
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    await postgresQuery(`INSERT INTO "${server.schema}".runs (${columns}) VALUES (${placeholders})`, values);
  } else {
    const db = new Database(join(server.dataDir, 'onward.sqlite'), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare(`INSERT INTO runs (${columns}) VALUES (${values.map(() => '?').join(', ')})`).run(...values);
    } finally {
      db.close();
    }
  }
  return run.id;
}

/** How many orders the server's demo tables hold, read straight from its database. */
export async function orderCount(server: Pick<TestServer, 'schema' | 'dataDir'>): Promise<number> {
  if (server.schema) {
    const [row] = await postgresQuery<{ n: string }>(`SELECT COUNT(*) AS n FROM "${server.schema}".orders`);
    return Number(row?.n);
  }
  const db = new Database(join(server.dataDir, 'onward.sqlite'), { fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
