import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FINAL_STATUSES } from '@onward/task-domain';
import { In, LessThan, MoreThanOrEqual, Repository } from 'typeorm';

import { tablePath } from '../database/table-path';
import { transaction } from '../database/transaction';
import { RunDeletionEntity } from './run-deletion.entity';
import { RunEntity } from './run.entity';
import { IDS_PER_QUERY } from './runs.repository';
import { RunWriter } from './run-writer';

/**
 * How long a deleted run is remembered for API processes that lost Redis meanwhile (`findDeletedSince`):
 * an outage longer than this would miss the deletions of its start.
 */
export const DELETION_RETENTION_MS = 24 * 60 * 60_000;
/** Forgetting deletions older than the retention is done at most this often per process, by a delete. */
const DELETION_PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Deleting runs (one with its subtasks, or the retention sweep's batches of finished ones), the
 * memory of deletions, and what the sweep needs besides: its lock and which result folders still
 * name a run. TypeORM access only; on SQLite the sweep's batch goes through the writer's group commit.
 */
@Injectable()
export class RunDeletionsRepository {
  /** The retention sweep's four statements (`deletionSql`), built on first use. */
  private deletionStatements: { remember: string; children: string; deleteChildren: string; deleteTop: string } | null =
    null;

  /** When this process last forgot old deletions; 0 = not yet, so the first delete after a start does. */
  private prunedAt = 0;

  constructor(
    @InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>,
    @InjectRepository(RunDeletionEntity) private readonly deletions: Repository<RunDeletionEntity>,
    private readonly writer: RunWriter,
  ) {}

  /**
   * Deletes a top-level run and its subtasks, and remembers the deletion (`findDeletedSince`), in one
   * transaction; now and then also forgets deletions older than `DELETION_RETENTION_MS`.
   */
  async deleteWithChildren(run: RunEntity, deletedAt: string): Promise<void> {
    const now = Date.parse(deletedAt);
    const prune = now - this.prunedAt >= DELETION_PRUNE_EVERY_MS;
    await transaction(this.runs.manager, async (manager) => {
      await manager.delete(RunEntity, { parentId: run.id });
      await manager.delete(RunEntity, { id: run.id });
      await manager.upsert(RunDeletionEntity, { id: run.id, ownerId: run.ownerId, deletedAt }, ['id']);
      if (prune) {
        const before = new Date(now - DELETION_RETENTION_MS).toISOString();
        await manager.delete(RunDeletionEntity, { deletedAt: LessThan(before) });
      }
    });
    if (prune) this.prunedAt = now;
  }

  /**
   * Up to `limit` finished top-level runs whose `finishedAt` is before `before` (an ISO time), oldest
   * first, through the partial index `idx_runs_top_finished`: what the retention sweep deletes next.
   */
  async findExpired(before: string, limit: number): Promise<Pick<RunEntity, 'id' | 'ownerId'>[]> {
    const rows = (await this.runs.query(this.writer.statements.findExpired, [before, limit])) as {
      id: string;
      owner_id: string;
    }[];
    return rows.map((row) => ({ id: row.id, ownerId: row.owner_id }));
  }

  /**
   * Deletes finished top-level runs with their subtasks and remembers the deletions, in one
   * transaction; a run no longer finished (none can be, but the guard costs nothing) is left alone.
   * Four fixed statements, the ids bound as one JSON array (SQLite) or one array (PostgreSQL), so
   * they are prepared once. On SQLite the transaction runs synchronously (`exclusive`): every other
   * write waits while it is open, so it must not wait for the event loop in between.
   * Returns the runs deleted and the ids of their subtasks (whose result folders go too).
   */
  async deleteFinished(
    runs: Pick<RunEntity, 'id' | 'ownerId'>[],
    deletedAt: string,
  ): Promise<{ deleted: Pick<RunEntity, 'id' | 'ownerId'>[]; childIds: string[] }> {
    if (runs.length === 0) return { deleted: [], childIds: [] };
    const sql = this.deletionSql();
    const ids = runs.map((run) => run.id);
    const toResult = (childIds: { id: string }[], removed: { id: string }[]) => {
      const gone = new Set(removed.map((row) => row.id));
      return { deleted: runs.filter((run) => gone.has(run.id)), childIds: childIds.map((child) => child.id) };
    };
    if (this.writer.groupCommit) {
      const list = JSON.stringify(ids);
      return this.writer.groupCommit.exclusive((prepared) => {
        prepared(sql.remember).run(deletedAt, list);
        const children = prepared(sql.children).all(list) as { id: string }[];
        prepared(sql.deleteChildren).run(list);
        return toResult(children, prepared(sql.deleteTop).all(list) as { id: string }[]);
      });
    }
    const list = this.writer.sqlite ? JSON.stringify(ids) : ids;
    return transaction(this.runs.manager, async (manager) => {
      await manager.query(sql.remember, [deletedAt, list]);
      const children = (await manager.query(sql.children, [list])) as { id: string }[];
      await manager.query(sql.deleteChildren, [list]);
      const answer = (await manager.query(sql.deleteTop, [list])) as unknown[];
      // TypeORM's PostgreSQL driver answers a DELETE … RETURNING with [rows, count], SQLite's with the rows.
      const removed = (this.writer.sqlite ? answer : answer[0]) as { id: string }[];
      return toResult(children, removed);
    });
  }

  /** The four statements of `deleteFinished`, built once. */
  private deletionSql(): { remember: string; children: string; deleteChildren: string; deleteTop: string } {
    if (this.deletionStatements) return this.deletionStatements;
    const postgres = !this.writer.sqlite;
    const runs = tablePath(this.runs.manager.connection, this.runs.target);
    const deletions = tablePath(this.deletions.manager.connection, this.deletions.target);
    // `+status` on SQLite: a term it cannot use an index for. Without statistics SQLite would rather
    // read idx_runs_status (every finished run) than look the ids up by primary key.
    const final = `${postgres ? '' : '+'}status IN (${FINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`;
    // The ids: the last parameter, a JSON array on SQLite, a varchar[] on PostgreSQL.
    const ids = (n: number): string =>
      postgres ? `id = ANY($${n}::varchar[])` : 'id IN (SELECT value FROM json_each(?))';
    const finished = (n: number): string => `SELECT id FROM ${runs} WHERE ${ids(n)} AND ${final}`;
    this.deletionStatements = {
      remember:
        `INSERT INTO ${deletions} (id, owner_id, deleted_at) SELECT id, owner_id, ${postgres ? '$1' : '?'} ` +
        `FROM ${runs} WHERE ${ids(2)} AND ${final} ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at`,
      children: `SELECT id FROM ${runs} WHERE parent_id IN (${finished(1)})`,
      deleteChildren: `DELETE FROM ${runs} WHERE parent_id IN (${finished(1)})`,
      deleteTop: `DELETE FROM ${runs} WHERE ${ids(1)} AND ${final} RETURNING id`,
    };
    return this.deletionStatements;
  }

  /** Forgets deletions older than `DELETION_RETENTION_MS` (the retention sweep does, once a pass). */
  async pruneDeletions(now: number): Promise<void> {
    await this.deletions.delete({ deletedAt: LessThan(new Date(now - DELETION_RETENTION_MS).toISOString()) });
  }

  /** Which of `ids` name a stored run (any level). */
  async existingIds(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const runs = await this.runs.find({ select: { id: true }, where: { id: In(ids.slice(i, i + IDS_PER_QUERY)) } });
      for (const run of runs) found.add(run.id);
    }
    return found;
  }

  /**
   * Runs `work` unless another process is running it (PostgreSQL: a session advisory lock, tried, not
   * awaited); resolves false when it was skipped. SQLite is one process's file (several processes on
   * one SQLite file only in tests), and what `work` does there is safe to repeat.
   */
  async exclusively(lockKey: number, work: () => Promise<void>): Promise<boolean> {
    if (this.writer.sqlite) {
      await work();
      return true;
    }
    const runner = this.runs.manager.connection.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [lockKey])) as {
        locked: boolean;
      }[];
      if (!locked) return false;
      try {
        await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]);
      }
      return true;
    } finally {
      await runner.release();
    }
  }

  /** Top-level runs deleted since `since` (an ISO time), within the retention. */
  findDeletedSince(since: string): Promise<RunDeletionEntity[]> {
    return this.deletions.find({ where: { deletedAt: MoreThanOrEqual(since) } });
  }
}
