import { OnApplicationShutdown } from '@nestjs/common';
import type { QueryRunner, Repository } from 'typeorm';

import { transaction } from '../database/transaction';
import type { Internals } from '../internals/internals.service';
import type { RunEntity } from './run.entity';
import { RunWriter } from './run-writer';
import { SqliteGroupCommit } from './sqlite-group-commit';

/**
 * The hot path on SQLite: the writes of one event-loop turn share one commit (`SqliteGroupCommit`,
 * on better-sqlite3's connection, a private field of TypeORM's driver: `internals/`). Without it
 * (`ONWARD_TUNING=off`, or an upgrade that moved the field) each statement is a transaction of its own.
 */
export class SqliteRunWriter extends RunWriter implements OnApplicationShutdown {
  readonly sqlite = true;
  readonly groupCommit: SqliteGroupCommit | null;

  constructor(runs: Repository<RunEntity>, internals: Internals) {
    super(runs);
    const dataSource = runs.manager.connection;
    const connection = internals.sqliteConnection(dataSource);
    this.groupCommit = connection ? new SqliteGroupCommit(dataSource, connection) : null;
  }

  /** Before TypeORM closes the connection (its own shutdown hook runs after this module's). */
  onApplicationShutdown(): void {
    this.groupCommit?.flush();
  }

  /** Several INSERTs of a large selection are submitted in one turn, so they share one transaction. */
  async insert(runs: RunEntity[]): Promise<void> {
    const statements = this.inserts(runs);
    if (statements.length === 1) {
      // Only a single run's INSERT is kept prepared; a scheduler's is one-off.
      await this.write(...statements[0], runs.length === 1);
    } else if (this.groupCommit) {
      await Promise.all(statements.map(([sql, parameters]) => this.write(sql, parameters, false)));
    } else {
      await transaction(this.runs.manager, async (manager) => {
        for (const [sql, parameters] of statements) await manager.query(sql, parameters);
      });
    }
  }

  /** The count runs inside the turn's open write batch, so it also sees starts not yet committed. */
  async insertWithinCap(runs: RunEntity[], ownerId: string, cap: number): Promise<boolean> {
    const parameters = [ownerId, cap];
    const rows = this.groupCommit
      ? (await this.groupCommit.executeEarly(this.statements.countQueued, parameters)).rows
      : await this.write(this.statements.countQueued, parameters);
    if (this.queuedOf(rows) >= cap) return false;
    await this.insert(runs);
    return true;
  }

  /** The claim's commit comes after, with the turn's writes, so that a quick run's claim and completion share one. */
  async claim(id: string, startedAt: string): Promise<{ run: RunEntity | null; committed: Promise<void> }> {
    const parameters = [startedAt, id];
    if (!this.groupCommit) {
      return {
        run: (await this.returningAll(this.statements.claim, parameters))[0] ?? null,
        committed: Promise.resolve(),
      };
    }
    const { rows, committed } = await this.groupCommit.executeEarly(this.statements.claim, parameters);
    return { run: this.toRuns(rows)[0] ?? null, committed };
  }

  protected async write(sql: string, parameters: unknown[], prepareOnce = true): Promise<unknown[]> {
    if (this.groupCommit) return this.groupCommit.execute(sql, parameters, prepareOnce);
    // One connection: a statement of its own would join whatever TypeORM transaction is open (and go
    // with its rollback), so it waits its turn as a transaction of its own.
    return transaction(this.runs.manager, async (manager) => {
      const runner = manager.queryRunner as QueryRunner;
      return ((await runner.query(sql, parameters, true)).records as unknown[] | undefined) ?? [];
    });
  }
}
