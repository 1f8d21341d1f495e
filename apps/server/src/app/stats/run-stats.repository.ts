import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { transaction } from '../database/transaction';
import { DURATION_BUCKETS, DURATION_COLUMNS } from './duration-histogram';

/** What one minute (or hour) adds to one task's row: counts and the histogram's deltas. */
export interface StatsDelta {
  /** Epoch minutes (or hours) of the row. */
  at: number;
  task: string;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** One count per duration bucket. */
  durations: number[];
}

export interface ErrorDelta {
  hour: number;
  task: string;
  message: string;
  count: number;
}

/** A window's rows summed per bucket (`at`: epoch minutes, hours or days) or per task. */
export interface SummedRow {
  key: number | string;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  durations: number[];
}

export type RollupTable = 'minutes' | 'hours';

const COUNTS = ['started', 'completed', 'failed', 'cancelled'] as const;
const COLUMNS = [...COUNTS, ...DURATION_COLUMNS];
/** Rows per statement: 54 parameters each, far under both databases' limits. */
const ROWS_PER_STATEMENT = 200;

const TIME_COLUMN: Record<RollupTable, string> = { minutes: 'minute', hours: 'hour' };

/**
 * The rollup tables of the dashboard (migration RunStats1730000001550), in plain SQL that SQLite and
 * PostgreSQL both speak: additive upserts, so that every process adds its own deltas to a row without
 * reading it, and sums over a window's rows. Never a read of the runs table but one indexed count.
 */
@Injectable()
export class RunStatsRepository {
  private readonly postgres: boolean;
  /** The schema of DATABASE_URL's `?schema=`, which plain SQL must name (TypeORM sets no search_path). */
  private readonly schema: string | undefined;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
    this.schema = this.postgres ? dataSource.driver.schema : undefined;
  }

  private table(name: string): string {
    return this.schema ? `"${this.schema}".${name}` : name;
  }

  private tableOf(table: RollupTable): { name: string; time: string } {
    return { name: this.table(`run_stats_${table}`), time: TIME_COLUMN[table] };
  }

  private placeholder(n: number): string {
    return this.postgres ? `$${n}` : '?';
  }

  private values(rows: unknown[][]): { sql: string; parameters: unknown[] } {
    const parameters: unknown[] = [];
    const tuples = rows.map(
      (row) => `(${row.map((value) => (parameters.push(value), this.placeholder(parameters.length))).join(', ')})`,
    );
    return { sql: tuples.join(', '), parameters };
  }

  /**
   * Adds one flush's deltas to the minutes, the hours and the error messages, in one transaction: a
   * reader sees a flush whole or not at all (never a failure counted without its message), and a
   * flush that fails leaves nothing behind, so that it can be counted again.
   */
  async write(minutes: StatsDelta[], hours: StatsDelta[], errors: ErrorDelta[]): Promise<void> {
    await transaction(this.dataSource.manager, async (manager) => {
      await this.add(manager, 'minutes', minutes);
      await this.add(manager, 'hours', hours);
      await this.addErrors(manager, errors);
    });
  }

  /** Adds `deltas` to their rows of `table`, creating the rows that do not exist yet. */
  private add(manager: EntityManager, table: RollupTable, deltas: StatsDelta[]): Promise<void> {
    const { name, time } = this.tableOf(table);
    return this.upsert(
      manager,
      `${name} AS t (${time}, task, ${COLUMNS.join(', ')})`,
      `(${time}, task) DO UPDATE SET ${COLUMNS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`,
      deltas.map((d) => [d.at, d.task, d.started, d.completed, d.failed, d.cancelled, ...d.durations]),
    );
  }

  private addErrors(manager: EntityManager, deltas: ErrorDelta[]): Promise<void> {
    return this.upsert(
      manager,
      `${this.table('run_stats_errors')} AS t (hour, task, message, count)`,
      '(hour, task, message) DO UPDATE SET count = t.count + excluded.count',
      deltas.map((d) => [d.hour, d.task, d.message, d.count]),
    );
  }

  /** `INSERT INTO <into> VALUES … ON CONFLICT <onConflict>` of `rows`, `ROWS_PER_STATEMENT` at a time. */
  private async upsert(manager: EntityManager, into: string, onConflict: string, rows: unknown[][]): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const { sql, parameters } = this.values(rows.slice(i, i + ROWS_PER_STATEMENT));
      await manager.query(`INSERT INTO ${into} VALUES ${sql} ON CONFLICT ${onConflict}`, parameters);
    }
  }

  /**
   * The rows of `table` from `since` on, summed per bucket of `per` rows (1: each row's own time;
   * 24 on the hours table: days), or per task when `per` is 'task'.
   */
  async sum(table: RollupTable, since: number, per: number | 'task'): Promise<SummedRow[]> {
    const { name, time } = this.tableOf(table);
    const key = per === 'task' ? 'task' : per === 1 ? time : `(${time} / ${per})`;
    const columns = (per === 'task' ? COLUMNS : COUNTS).map((c) => `SUM(${c}) AS ${c}`).join(', ');
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${key} AS k, ${columns} FROM ${name} WHERE ${time} >= ${this.placeholder(1)} GROUP BY ${key}`,
      [since],
    );
    return rows.map((row) => ({
      key: per === 'task' ? String(row['k']) : Number(row['k']),
      started: Number(row['started']),
      completed: Number(row['completed']),
      failed: Number(row['failed']),
      cancelled: Number(row['cancelled']),
      durations:
        per === 'task' ? DURATION_COLUMNS.map((c) => Number(row[c])) : new Array<number>(DURATION_BUCKETS).fill(0),
    }));
  }

  /** The most frequent error messages from hour `since` on. */
  async topErrors(since: number, limit: number): Promise<ErrorDelta[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT task, message, SUM(count) AS n FROM ${this.table('run_stats_errors')} WHERE hour >= ` +
        `${this.placeholder(1)} GROUP BY task, message ORDER BY n DESC, task, message LIMIT ${Number(limit)}`,
      [since],
    );
    return rows.map((row) => ({
      hour: since,
      task: String(row['task']),
      message: String(row['message']),
      count: Number(row['n']),
    }));
  }

  /**
   * Runs waiting and executing now, along idx_runs_status (a handful of rows, however many finished
   * runs are stored). A scheduler counts through its subtasks, an upload is no work of a worker.
   */
  async countUnfinished(): Promise<{ queued: number; running: number }> {
    const rows: { status: string; n: number | string }[] = await this.dataSource.query(
      `SELECT status, COUNT(*) AS n FROM ${this.table('runs')} WHERE status IN ('queued', 'running', 'cancelling') ` +
        "AND scheduler IS NULL AND kind <> 'upload' GROUP BY status",
    );
    const count = (status: string): number => Number(rows.find((r) => r.status === status)?.n ?? 0);
    return { queued: count('queued'), running: count('running') + count('cancelling') };
  }

  /** Deletes the rows older than `minute` (epoch minutes) from every rollup table. */
  async prune(minute: number): Promise<void> {
    const hour = Math.floor(minute / 60);
    const p = this.placeholder(1);
    await this.dataSource.query(`DELETE FROM ${this.table('run_stats_minutes')} WHERE minute < ${p}`, [minute]);
    await this.dataSource.query(`DELETE FROM ${this.table('run_stats_hours')} WHERE hour < ${p}`, [hour]);
    await this.dataSource.query(`DELETE FROM ${this.table('run_stats_errors')} WHERE hour < ${p}`, [hour]);
  }
}
