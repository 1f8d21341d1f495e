import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { Repository } from 'typeorm';

import { tablePath } from '../database/table-path';
import { RunEntity } from './run.entity';

/** The lower of the two databases' limits on the parameters of one statement (SQLite's). */
const MAX_BOUND_PARAMETERS = 32_766;

/**
 * The SQL of a run's hot path (insert, claim, update, and a scheduler's cancel), written once per shape from the entity's
 * TypeORM metadata and cached: every run goes through these three statements, and building them with
 * the query builder each time cost more CPU than the database spent executing them (the lifecycle
 * benchmark). Values still go through the driver's conversions and the column transformers.
 */
export class RunStatements {
  private readonly columns: ColumnMetadata[];
  private readonly byProperty = new Map<string, ColumnMetadata>();
  private readonly table: string;
  private readonly postgres: boolean;
  private readonly updates = new Map<string, string>();
  private readonly inserts = new Map<number, string>();
  /** Queued → running: one more attempt, the first start time kept. Parameters: startedAt, id. */
  readonly claim: string;
  /**
   * A scheduler's queued subtasks → cancelled, carrying their scheduler's `cancelledBy`. Parameters:
   * finishedAt, parentId.
   */
  readonly cancelQueuedChildren: string;
  /**
   * How many top-level runs of one owner are queued, counting no further than a cap (the limit):
   * the partial index `idx_runs_owner_queued` holds just those rows. Parameters: ownerId, cap.
   */
  readonly countQueued: string;
  /**
   * PostgreSQL: one run's INSERT made only while its owner has fewer than a cap of queued top-level
   * runs (the count of `countQueued`), a start in one statement. Parameters: the run's `rowValues`,
   * then ownerId and the cap; returns the id of the run stored, or no row.
   */
  readonly insertWithinCap: string;
  /**
   * Finished top-level runs before a time, oldest first, on the partial index `idx_runs_top_finished`
   * (SQLite would otherwise read every top-level run and sort). Parameters: before, limit.
   */
  readonly findExpired: string;

  constructor(private readonly runs: Repository<RunEntity>) {
    const driver = runs.manager.connection.driver;
    this.postgres = driver.options.type === 'postgres';
    this.columns = runs.metadata.columns;
    for (const column of this.columns) this.byProperty.set(column.propertyName, column);
    this.table = tablePath(runs.manager.connection, runs.target);
    const [status, startedAt, attempts, version, id, finishedAt, parentId, ownerId, cancelledBy] = [
      'status',
      'startedAt',
      'attempts',
      'version',
      'id',
      'finishedAt',
      'parentId',
      'ownerId',
      'cancelledBy',
    ].map((property) => this.name(property));
    this.claim =
      `UPDATE ${this.table} SET ${status} = 'running', ${startedAt} = COALESCE(${startedAt}, ${this.placeholder(1)}), ` +
      `${attempts} = ${attempts} + 1, ${version} = ${version} + 1 ` +
      `WHERE ${id} = ${this.placeholder(2)} AND ${this.unindexed(status)} = 'queued' RETURNING *`;
    this.cancelQueuedChildren =
      `UPDATE ${this.table} SET ${status} = 'cancelled', ${finishedAt} = ${this.placeholder(1)}, ` +
      `${cancelledBy} = (SELECT p.${cancelledBy} FROM ${this.table} p WHERE p.${id} = ${this.escape(runs.metadata.tableName)}.${parentId}), ` +
      `${version} = ${version} + 1 WHERE ${parentId} = ${this.placeholder(2)} AND ${status} = 'queued' RETURNING *`;
    // The WHERE repeats the partial index's own terms, which a planner needs to use it. SQLite is told
    // to: without statistics it prefers idx_runs_owner_list and reads every top-level run of the user
    // (100,000 of them made each start cost about 30 ms).
    this.countQueued =
      `SELECT COUNT(*) AS queued FROM (SELECT 1 FROM ${this.table}${this.indexedBy('idx_runs_owner_queued')} ` +
      `WHERE ${ownerId} = ${this.placeholder(1)} AND status = 'queued' AND parent_id IS NULL ` +
      `LIMIT ${this.placeholder(2)}) AS q`;
    const width = this.columns.length;
    // PostgreSQL's numbered parameters let the cap appear twice (SQLite counts in its write batch instead).
    this.insertWithinCap =
      `INSERT INTO ${this.table} (${this.columnList()}) ` +
      `SELECT ${this.columns.map((_, i) => `$${i + 1}`).join(', ')} ` +
      `WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM ${this.table} WHERE ${ownerId} = $${width + 1} ` +
      `AND status = 'queued' AND parent_id IS NULL LIMIT $${width + 2}) AS q) < $${width + 2} RETURNING ${id}`;
    this.findExpired =
      `SELECT ${id} AS id, ${ownerId} AS owner_id FROM ${this.table}${this.indexedBy('idx_runs_top_finished')} ` +
      `WHERE parent_id IS NULL AND finished_at IS NOT NULL AND ${finishedAt} < ${this.placeholder(1)} ` +
      `AND ${status} IN ('completed', 'failed', 'cancelled') ORDER BY ${finishedAt} LIMIT ${this.placeholder(2)}`;
  }

  /**
   * Compare-and-set of the places last told to `rows` queued runs, one statement: each run whose
   * `queue_told` differs takes the new one and a version more, and is returned (`RETURNING *`); a run
   * already told it (by another process), or no longer queued, is left as it is. Parameters: id, told
   * of each run.
   */
  tellPlaces(rows: number): string {
    const [id, status, told, version] = ['id', 'status', 'queueTold', 'version'].map((p) => this.name(p));
    const cast = this.postgres ? '::varchar' : '';
    const values = Array.from(
      { length: rows },
      (_, row) => `(${this.placeholder(2 * row + 1)}${cast}, ${this.placeholder(2 * row + 2)}${cast})`,
    );
    return (
      `WITH told(run_id, place) AS (VALUES ${values.join(', ')}) ` +
      `UPDATE ${this.table} SET ${told} = told.place, ${version} = ${this.table}.${version} + 1 FROM told ` +
      `WHERE ${this.table}.${id} = told.run_id AND ${this.unindexed(`${this.table}.${status}`)} = 'queued' ` +
      `AND ${this.table}.${told} IS ${this.postgres ? 'DISTINCT FROM' : 'NOT'} told.place RETURNING ${this.postgres ? `${this.table}.*` : '*'}`
    );
  }

  /** Rows one INSERT may carry: SQLite binds at most 32,766 parameters, PostgreSQL 65,535. */
  get maxInsertRows(): number {
    return Math.floor(MAX_BOUND_PARAMETERS / this.columns.length);
  }

  /** `INSERT` of `rows` runs; its parameters are `rowValues` of each run, in order. */
  insert(rows: number): string {
    let sql = this.inserts.get(rows);
    if (!sql) {
      const width = this.columns.length;
      const values = Array.from(
        { length: rows },
        (_, row) => `(${this.columns.map((_, i) => this.placeholder(row * width + i + 1)).join(', ')})`,
      );
      sql = `INSERT INTO ${this.table} (${this.columnList()}) VALUES ${values.join(', ')}`;
      // Single runs are the hot path; a scheduler's long statement is built when needed.
      if (rows === 1) this.inserts.set(rows, sql);
    }
    return sql;
  }

  rowValues(run: RunEntity): unknown[] {
    return this.columns.map((column) => this.stored(column, column.getEntityValue(run)));
  }

  /**
   * `UPDATE … RETURNING *` of the given properties, bumping `version`. Parameters: the properties'
   * stored values in order, then the new status (when `setsStatus`), the id, and `guard` statuses the
   * stored one must be among.
   */
  update(properties: string[], setsStatus: boolean, guard: number): string {
    const key = `${properties.join(',')}|${setsStatus}|${guard}`;
    let sql = this.updates.get(key);
    if (!sql) {
      let n = 0;
      const assignments = properties.map((property) => `${this.name(property)} = ${this.placeholder(++n)}`);
      if (setsStatus) assignments.push(`${this.name('status')} = ${this.placeholder(++n)}`);
      const version = this.name('version');
      assignments.push(`${version} = ${version} + 1`);
      let where = `${this.name('id')} = ${this.placeholder(++n)}`;
      if (guard > 0) {
        where += ` AND ${this.unindexed(this.name('status'))} IN (${Array.from({ length: guard }, () => this.placeholder(++n)).join(', ')})`;
      }
      sql = `UPDATE ${this.table} SET ${assignments.join(', ')} WHERE ${where} RETURNING *`;
      this.updates.set(key, sql);
    }
    return sql;
  }

  /** A property's value as the database stores it (JSON columns as text). */
  toStored(property: string, value: unknown): unknown {
    return this.stored(this.column(property), value);
  }

  /** A raw row (column names, stored values) as the entity TypeORM would have loaded. */
  hydrate(row: Record<string, unknown>): RunEntity {
    const driver = this.runs.manager.connection.driver;
    const run = new RunEntity();
    for (const column of this.columns) {
      column.setEntityValue(run, driver.prepareHydratedValue(row[column.databaseName], column));
    }
    return run;
  }

  private stored(column: ColumnMetadata, value: unknown): unknown {
    return this.runs.manager.connection.driver.preparePersistentValue(value, column);
  }

  private column(property: string): ColumnMetadata {
    const column = this.byProperty.get(property);
    if (!column) throw new Error(`A run has no property "${property}"`);
    return column;
  }

  /**
   * A column as a test of a row already found by its id must read it: an expression no index can
   * serve. On a table whose statistics are missing or stale (a new deployment, a burst of starts)
   * PostgreSQL may otherwise pick the run out along idx_runs_status, reading every queued run, where
   * the primary key reads one.
   */
  private unindexed(column: string): string {
    return `${column} || ''`;
  }

  private name(property: string): string {
    return this.escape(this.column(property).databaseName);
  }

  private columnList(): string {
    return this.columns.map((c) => this.escape(c.databaseName)).join(', ');
  }

  private escape(name: string): string {
    return this.runs.manager.connection.driver.escape(name);
  }

  /** ` INDEXED BY index` on SQLite, which has no statistics to choose a partial index by; PostgreSQL plans by its own. */
  private indexedBy(index: string): string {
    return this.postgres ? '' : ` INDEXED BY ${this.escape(index)}`;
  }

  private placeholder(n: number): string {
    return this.postgres ? `$${n}` : '?';
  }
}
