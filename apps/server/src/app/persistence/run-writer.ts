import { RunStatus, statusesLeadingTo } from '@onward/task-domain';
import type { Repository } from 'typeorm';

import { RunEntity } from './run.entity';
import { RunStatements } from './run-statements';
import type { SqliteGroupCommit } from './sqlite-group-commit';

/** Columns to change; `version` is always bumped by the writer. */
export type RunChanges = Partial<Omit<RunEntity, 'id' | 'version'>>;

/**
 * The per-run hot path (insert, claim, update, a scheduler's cancel, a start within its owner's cap):
 * the port the engine and the HTTP layer write runs through. The statements are shared; how they reach
 * the database is each database's own (`SqliteRunWriter`, `PostgresRunWriter`, chosen by
 * `PersistenceModule`'s factory). No logic beyond the statements.
 */
export abstract class RunWriter {
  /** The SQL of the hot path, built once per shape (the retention sweep reads `findExpired` from it too). */
  readonly statements: RunStatements;
  /** SQLite rather than PostgreSQL: one connection, whose statements must not join an open transaction. */
  abstract readonly sqlite: boolean;
  /** On SQLite, the hot path's writes of one event-loop turn share a commit (needs TypeORM's connection). */
  abstract readonly groupCommit: SqliteGroupCommit | null;

  protected constructor(protected readonly runs: Repository<RunEntity>) {
    this.statements = new RunStatements(runs);
  }

  /**
   * Stores new runs, so that a scheduler and all its subtasks appear together or not at all: one
   * INSERT, or, for a selection beyond one statement's bound parameters (about 1,300 rows), several in
   * one transaction.
   */
  abstract insert(runs: RunEntity[]): Promise<void>;

  /**
   * Stores new runs of `ownerId` (as `insert`) unless the owner already has `cap` queued top-level
   * runs; then stores nothing and answers false. Counted, not locked: starts of one owner racing each
   * other may pass the cap by the few in flight.
   */
  abstract insertWithinCap(runs: RunEntity[], ownerId: string, cap: number): Promise<boolean>;

  /**
   * Queued → running in one statement: one more attempt, `startedAt` kept from an earlier attempt.
   * Returns the claimed run (null when it was not queued) as soon as the statement has run, and
   * `committed`, which settles once it is durable.
   */
  abstract claim(id: string, startedAt: string): Promise<{ run: RunEntity | null; committed: Promise<void> }>;

  /** One hot-path statement, resolving with the rows it returns; errors are TypeORM's QueryFailedError. */
  protected abstract write(sql: string, parameters: unknown[], prepareOnce?: boolean): Promise<unknown[]>;

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
    return (await this.returningAll(sql, parameters))[0] ?? null;
  }

  /** Moves every subtask of a scheduler still queued to `cancelled`; returns them as changed. */
  cancelQueuedChildren(parentId: string, finishedAt: string): Promise<RunEntity[]> {
    return this.returningAll(this.statements.cancelQueuedChildren, [finishedAt, parentId]);
  }

  /**
   * Stores the places told to queued runs (`told`: run id → `position:reason`) where they differ from
   * the stored ones, in one statement; returns the runs it changed, which are the ones to push.
   */
  async tellPlaces(told: Map<string, string>): Promise<RunEntity[]> {
    if (told.size === 0) return [];
    const parameters = [...told].flat();
    return this.toRuns(await this.write(this.statements.tellPlaces(told.size), parameters, false));
  }

  /** The statements of an INSERT of `runs`, each within the database's limit of bound parameters. */
  protected inserts(runs: RunEntity[]): [sql: string, parameters: unknown[]][] {
    const perStatement = this.statements.maxInsertRows;
    const statements: [sql: string, parameters: unknown[]][] = [];
    for (let i = 0; i < runs.length; i += perStatement) {
      const chunk = runs.slice(i, i + perStatement);
      statements.push([this.statements.insert(chunk.length), chunk.flatMap((run) => this.statements.rowValues(run))]);
    }
    return statements;
  }

  /** The owner's queued top-level runs, counted up to `cap`, from the rows of `statements.countQueued`. */
  protected queuedOf(rows: unknown[]): number {
    return Number((rows[0] as { queued: number | string } | undefined)?.queued ?? 0);
  }

  protected async returningAll(sql: string, parameters: unknown[]): Promise<RunEntity[]> {
    return this.toRuns(await this.write(sql, parameters));
  }

  /** Rows a statement returned, as entities. */
  protected toRuns(rows: unknown[]): RunEntity[] {
    return (rows as Record<string, unknown>[]).map((row) => this.statements.hydrate(row));
  }
}
