import type { Repository } from 'typeorm';

import { transaction } from '../database/transaction';
import type { RunEntity } from './run.entity';
import { RunWriter } from './run-writer';

/**
 * The hot path on PostgreSQL: each statement on a connection of TypeORM's pool, through a query runner.
 * Not PostgreSQL's pool directly (a private field of TypeORM's driver): measured A/B it gained no
 * lifecycle throughput (bench/README.md).
 */
export class PostgresRunWriter extends RunWriter {
  readonly sqlite = false;
  readonly groupCommit = null;

  constructor(runs: Repository<RunEntity>) {
    super(runs);
  }

  async insert(runs: RunEntity[]): Promise<void> {
    const statements = this.inserts(runs);
    if (statements.length === 1) {
      await this.write(...statements[0]);
      return;
    }
    await transaction(this.runs.manager, async (manager) => {
      for (const [sql, parameters] of statements) await manager.query(sql, parameters);
    });
  }

  /** A single run's start is one statement: its INSERT, made only while the owner is under the cap. */
  async insertWithinCap(runs: RunEntity[], ownerId: string, cap: number): Promise<boolean> {
    if (runs.length === 1) {
      const stored = await this.write(this.statements.insertWithinCap, [
        ...this.statements.rowValues(runs[0]),
        ownerId,
        cap,
      ]);
      return stored.length > 0;
    }
    if (this.queuedOf(await this.write(this.statements.countQueued, [ownerId, cap])) >= cap) return false;
    await this.insert(runs);
    return true;
  }

  async claim(id: string, startedAt: string): Promise<{ run: RunEntity | null; committed: Promise<void> }> {
    const run = (await this.returningAll(this.statements.claim, [startedAt, id]))[0] ?? null;
    return { run, committed: Promise.resolve() };
  }

  protected async write(sql: string, parameters: unknown[]): Promise<unknown[]> {
    const runner = this.runs.manager.connection.createQueryRunner();
    try {
      return ((await runner.query(sql, parameters, true)).records as unknown[] | undefined) ?? [];
    } finally {
      await runner.release();
    }
  }
}
