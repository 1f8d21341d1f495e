import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RunStatus, statusesLeadingTo } from '@onward/task-domain';
import { type QueryRunner, Repository } from 'typeorm';

import { transaction } from '../database/transaction';
import { Internals } from '../internals/internals.service';
import { RunEntity } from './run.entity';
import { RunStatements } from './run-statements';
import { SqliteGroupCommit } from './sqlite-group-commit';

/** Columns to change; `version` is always bumped by the writer. */
export type RunChanges = Partial<Omit<RunEntity, 'id' | 'version'>>;

/**
 * The per-run hot path (insert, claim, update, a scheduler's cancel, a start within its owner's cap) and
 * how its statements reach the database: through the group commit on SQLite, a TypeORM query runner
 * on PostgreSQL. No logic beyond the statements.
 */
@Injectable()
export class RunWriter implements OnApplicationShutdown {
  /** The SQL of the hot path, built once per shape (the retention sweep reads `findExpired` from it too). */
  readonly statements: RunStatements;
  /** SQLite rather than PostgreSQL: one connection, whose statements must not join an open transaction. */
  readonly sqlite: boolean;
  /** On SQLite, the hot path's writes of one event-loop turn share a commit (needs TypeORM's connection). */
  readonly groupCommit: SqliteGroupCommit | null;

  constructor(
    @InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>,
    internals: Internals,
  ) {
    this.statements = new RunStatements(runs);
    const dataSource = runs.manager.connection;
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    const connection = internals.sqliteConnection(dataSource);
    this.groupCommit = connection ? new SqliteGroupCommit(dataSource, connection) : null;
  }

  /** Before TypeORM closes the connection (its own shutdown hook runs after this module's). */
  onApplicationShutdown(): void {
    this.groupCommit?.flush();
  }

  /**
   * Stores new runs, so that a scheduler and all its subtasks appear together or not at all: one
   * INSERT, or, for a selection beyond one statement's bound parameters (about 1,300 rows), several in
   * one transaction (on SQLite they are submitted in one event-loop turn, so they share the group
   * commit's transaction).
   */
  async insert(runs: RunEntity[]): Promise<void> {
    const perStatement = this.statements.maxInsertRows;
    const statements: [sql: string, parameters: unknown[]][] = [];
    for (let i = 0; i < runs.length; i += perStatement) {
      const chunk = runs.slice(i, i + perStatement);
      statements.push([this.statements.insert(chunk.length), chunk.flatMap((run) => this.statements.rowValues(run))]);
    }
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

  /**
   * Stores new runs of `ownerId` (as `insert`) unless the owner already has `cap` queued top-level
   * runs; then stores nothing and answers false. Counted, not locked: starts of one owner racing each
   * other may pass the cap by the few in flight. On PostgreSQL a single run's start is one statement.
   */
  async insertWithinCap(runs: RunEntity[], ownerId: string, cap: number): Promise<boolean> {
    const oneStatement = this.statements.insertWithinCap;
    if (runs.length === 1 && oneStatement) {
      const stored = await this.write(oneStatement, [...this.statements.rowValues(runs[0]), ownerId, cap]);
      return stored.length > 0;
    }
    if ((await this.countQueued(ownerId, cap)) >= cap) return false;
    await this.insert(runs);
    return true;
  }

  /**
   * The owner's queued top-level runs, counted up to `cap`. On SQLite inside the turn's open write
   * batch (a TypeORM read would commit it early), so it also sees starts not yet committed.
   */
  private async countQueued(ownerId: string, cap: number): Promise<number> {
    const parameters = [ownerId, cap];
    const rows = this.groupCommit
      ? (await this.groupCommit.executeEarly(this.statements.countQueued, parameters)).rows
      : await this.write(this.statements.countQueued, parameters);
    return Number((rows[0] as { queued: number | string } | undefined)?.queued ?? 0);
  }

  /**
   * Applies `changes` and bumps `version`; with `to`, only if the state machine allows entering
   * `to` from the stored status (narrowed to `from` when given). Returns the changed run, read back
   * by the same statement (`RETURNING`, on PostgreSQL and SQLite ≥ 3.35), or null when no row changed.
   */
  async update(id: string, changes: RunChanges, to?: RunStatus, from?: RunStatus[]): Promise<RunEntity | null> {
    const properties = (Object.keys(changes) as (keyof RunChanges)[]).filter((p) => changes[p] !== undefined);
    const guard = to ? (from ?? statusesLeadingTo(to)) : [];
    const sql = this.statements.update(properties, to !== undefined, guard.length);
    const parameters = [
      ...properties.map((property) => this.statements.toStored(property, changes[property])),
      ...(to ? [to] : []),
      id,
      ...guard,
    ];
    return this.returning(sql, parameters);
  }

  /**
   * Queued → running in one statement: one more attempt, `startedAt` kept from an earlier attempt.
   * Returns the claimed run (null when it was not queued) as soon as the statement has run, and
   * `committed`, which settles once it is durable: on SQLite the commit of the turn's writes comes
   * after, so that a quick run's claim and completion share one commit.
   */
  async claim(id: string, startedAt: string): Promise<{ run: RunEntity | null; committed: Promise<void> }> {
    const parameters = [startedAt, id];
    if (!this.groupCommit)
      return { run: await this.returning(this.statements.claim, parameters), committed: Promise.resolve() };
    const { rows, committed } = await this.groupCommit.executeEarly(this.statements.claim, parameters);
    return { run: this.toRuns(rows)[0] ?? null, committed };
  }

  /** Moves every subtask of a scheduler still queued to `cancelled`; returns them as changed. */
  cancelQueuedChildren(parentId: string, finishedAt: string): Promise<RunEntity[]> {
    return this.returningAll(this.statements.cancelQueuedChildren, [finishedAt, parentId]);
  }

  private async returning(sql: string, parameters: unknown[]): Promise<RunEntity | null> {
    return (await this.returningAll(sql, parameters))[0] ?? null;
  }

  private async returningAll(sql: string, parameters: unknown[]): Promise<RunEntity[]> {
    return this.toRuns(await this.write(sql, parameters));
  }

  /** Rows a statement returned, as entities. */
  private toRuns(rows: unknown[]): RunEntity[] {
    return (rows as Record<string, unknown>[]).map((row) => this.statements.hydrate(row));
  }

  /**
   * One hot-path statement, resolving with the rows it returns: through the group commit on SQLite,
   * else through a TypeORM query runner (its rows as a structured result). Errors are TypeORM's
   * QueryFailedError either way. Not PostgreSQL's pool directly (a private field of TypeORM's driver):
   * measured A/B it gained no lifecycle throughput (bench/README.md).
   */
  private async write(sql: string, parameters: unknown[], prepareOnce = true): Promise<unknown[]> {
    if (this.groupCommit) return this.groupCommit.execute(sql, parameters, prepareOnce);
    const rowsOf = async (runner: QueryRunner): Promise<unknown[]> =>
      ((await runner.query(sql, parameters, true)).records as unknown[] | undefined) ?? [];
    // SQLite has one connection: a statement of its own would join whatever TypeORM transaction is
    // open (and go with its rollback), so it waits its turn as a transaction of its own.
    if (this.sqlite) return transaction(this.runs.manager, (manager) => rowsOf(manager.queryRunner as QueryRunner));
    const runner = this.runs.manager.connection.createQueryRunner();
    try {
      return await rowsOf(runner);
    } finally {
      await runner.release();
    }
  }
}
