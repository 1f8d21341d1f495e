/**
 * One row of a cluster's PostgreSQL held locked (`SELECT … FOR UPDATE` in an open transaction), so that
 * a test decides the order in which other processes' writes to it land: each UPDATE of the row waits
 * in PostgreSQL's queue for it, and once the lock is released they go on in the order they arrived,
 * each re-checking its WHERE against the row the one before it left.
 */
import { Client } from 'pg';

import { POSTGRES_URL } from '../../support/databases';
import { pollUntil } from '../../support/api';

export class RowLock {
  private constructor(
    private readonly client: Client,
    private readonly backendPid: number,
  ) {}

  /** Locks the row `id` of `schema`.`table`. */
  static async take(schema: string, table: string, id: string): Promise<RowLock> {
    if (!/^[a-z0-9_]+$/.test(schema) || !/^[a-z0-9_]+$/.test(table)) throw new Error('odd schema or table name');
    const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query('BEGIN');
      const locked = await client.query(`SELECT id FROM "${schema}"."${table}" WHERE id = $1 FOR UPDATE`, [id]);
      if (locked.rowCount !== 1) throw new Error(`no row ${id} in ${schema}.${table}`);
      const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
        { pid: number },
      ];
      return new RowLock(client, pid);
    } catch (error) {
      await client.end();
      throw error;
    }
  }

  /** How many sessions wait behind this lock, directly or queued behind another waiter. */
  async waiters(): Promise<number> {
    const { rows } = await this.client.query<{ pid: number; blockers: number[] }>(
      'SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0',
    );
    const queue = new Set([this.backendPid]);
    for (let grown = true; grown;) {
      grown = false;
      for (const { pid, blockers } of rows) {
        if (!queue.has(pid) && blockers.some((b) => queue.has(b))) {
          queue.add(pid);
          grown = true;
        }
      }
    }
    return queue.size - 1;
  }

  /** Waits until `count` sessions wait for the row. */
  async untilWaiters(count: number, withinMs = 20_000): Promise<void> {
    await pollUntil(
      () => this.waiters(),
      (n) => n >= count,
      withinMs,
      `${count} writers waiting for the locked row`,
    );
  }

  /** Releases the row (changing nothing); the writers waiting for it go on, in arrival order. */
  async release(): Promise<void> {
    try {
      await this.client.query('ROLLBACK');
    } finally {
      await this.client.end();
    }
  }
}
