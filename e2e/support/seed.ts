/**
 * Puts many finished runs straight into a test server's SQLite file, in the row shape of the
 * server's core-tables migration: hundreds of real runs would take minutes of task work, and the
 * tests that need them are about the monitor's list, not the engine.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type { DemoUser } from './api';

interface Statement {
  run(params: Record<string, unknown>): unknown;
  get(...params: unknown[]): unknown;
}
interface Database {
  prepare(sql: string): Statement;
  transaction(fn: () => void): () => void;
  pragma(source: string): unknown;
  close(): void;
}
// better-sqlite3 ships no types of its own and the workspace has none; this is the part used here.
const openDatabase = require('better-sqlite3') as new (file: string) => Database;

/**
 * Inserts `count` finished background sales reports of `user`, one a minute back from a minute
 * ago (newest first: "Customer 0", "Customer 1", …), every 7th failed, the rest completed.
 */
export function seedFinishedRuns(dataDir: string, user: DemoUser, count: number): void {
  const db = new openDatabase(join(dataDir, 'onward.sqlite'));
  try {
    db.pragma('busy_timeout = 10000');
    const owner = db.prepare('SELECT id FROM users WHERE username = ?').get(user) as { id: string } | undefined;
    if (!owner) throw new Error(`no user ${user} in the test database`);
    const insert = db.prepare(`INSERT INTO runs (id, task, title, kind, owner_id, owner_username, mode, status,
      parameters, display, progress_percent, progress_message, result, error_message, error_details, parent_id,
      position, scheduler, created_at, started_at, finished_at, version, attempts)
      VALUES (@id, 'sales-report', 'Sales report', 'report', @ownerId, @username, 'background', @status,
      @parameters, @display, 100, 'Done', @result, @errorMessage, @errorDetails, NULL, NULL, NULL,
      @createdAt, @startedAt, @finishedAt, 4, 1)`);
    const newest = Date.now() - 60_000;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const created = newest - i * 60_000;
        const failed = i % 7 === 3;
        const parameters = { customer: `Customer ${i}`, year: 2025 };
        insert.run({
          id: randomUUID(),
          ownerId: owner.id,
          username: user,
          status: failed ? 'failed' : 'completed',
          parameters: JSON.stringify(parameters),
          display: JSON.stringify(parameters),
          result: failed
            ? null
            : JSON.stringify({ type: 'file', fileName: `sales-${i}.pdf`, contentType: 'application/pdf', size: 2048 }),
          errorMessage: failed ? 'The printer caught fire' : null,
          errorDetails: failed ? 'seeded' : null,
          createdAt: new Date(created).toISOString(),
          startedAt: new Date(created + 500).toISOString(),
          finishedAt: new Date(created + 5_500).toISOString(),
        });
      }
    })();
  } finally {
    db.close();
  }
}
