import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EXECUTING_STATUSES, FINAL_STATUSES, RunStatus, statusesLeadingTo } from '@onward/task-domain';
import { Brackets, In, IsNull, LessThan, MoreThanOrEqual, type QueryRunner, Repository } from 'typeorm';

import { transaction } from '../database/transaction';
import { Internals } from '../internals/internals.service';
import type { RunJob } from '../queue/run-queue.port';
import { RunDeletionEntity } from './run-deletion.entity';
import { RunEntity } from './run.entity';
import { RunStatements } from './run-statements';
import { SqliteGroupCommit } from './sqlite-group-commit';

/** Columns to change; `version` is always bumped by the repository. */
export type RunChanges = Partial<Omit<RunEntity, 'id' | 'version'>>;

/**
 * How long a deleted run is remembered for API processes that lost Redis meanwhile (`findDeletedSince`):
 * an outage longer than this would miss the deletions of its start.
 */
export const DELETION_RETENTION_MS = 24 * 60 * 60_000;
/** Ids bound in one `IN (…)`, well under both databases' limits on parameters. */
const IDS_PER_QUERY = 1_000;
/** Subtasks per page of `childrenPages`. */
export const CHILDREN_PER_PAGE = 500;
/** Forgetting deletions older than the retention is done at most this often per process, by a delete. */
const DELETION_PRUNE_EVERY_MS = 10 * 60_000;

export interface RunListQuery {
  ownerId?: string;
  ownerUsername?: string;
  statuses?: RunStatus[];
  mode?: string;
  limit: number;
  after?: { createdAt: string; id: string };
}

/** TypeORM access to the runs table; no logic beyond the queries. */
@Injectable()
export class RunsRepository implements OnApplicationShutdown {
  /** The SQL of the per-run hot path (insert, claim, update), built once per shape. */
  private readonly sql: RunStatements;
  private readonly sqlite: boolean;
  /** On SQLite, the hot path's writes of one event-loop turn share a commit (needs TypeORM's connection). */
  private readonly groupCommit: SqliteGroupCommit | null;

  /** The retention sweep's four statements (`deletionSql`), built on first use. */
  private deletionStatements: { remember: string; children: string; deleteChildren: string; deleteTop: string } | null =
    null;

  /** When this process last forgot old deletions; 0 = not yet, so the first delete after a start does. */
  private prunedAt = 0;

  constructor(
    @InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>,
    @InjectRepository(RunDeletionEntity) private readonly deletions: Repository<RunDeletionEntity>,
    internals: Internals,
  ) {
    this.sql = new RunStatements(runs);
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
    const perStatement = this.sql.maxInsertRows;
    const statements: [sql: string, parameters: unknown[]][] = [];
    for (let i = 0; i < runs.length; i += perStatement) {
      const chunk = runs.slice(i, i + perStatement);
      statements.push([this.sql.insert(chunk.length), chunk.flatMap((run) => this.sql.rowValues(run))]);
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
   * The owner's queued top-level runs, counted up to `cap`. On SQLite inside the turn's open write
   * batch (a TypeORM read would commit it early), so it also sees starts not yet committed.
   */
  async countQueued(ownerId: string, cap: number): Promise<number> {
    const parameters = [ownerId, cap];
    const rows = this.groupCommit
      ? (await this.groupCommit.executeEarly(this.sql.countQueued, parameters)).rows
      : await this.write(this.sql.countQueued, parameters);
    return Number((rows[0] as { queued: number | string } | undefined)?.queued ?? 0);
  }

  findById(id: string): Promise<RunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  findChildren(parentId: string): Promise<RunEntity[]> {
    return this.runs.find({ where: { parentId }, order: { position: 'ASC' } });
  }

  /**
   * Up to `limit` subtasks of a scheduler in row order, after the row at `afterPosition` (null: from
   * the first): one keyset query along idx_runs_parent_position, however far into the rows.
   */
  findChildrenPage(parentId: string, afterPosition: number | null, limit: number): Promise<RunEntity[]> {
    const qb = this.runs.createQueryBuilder('run').where('run.parent_id = :parentId', { parentId });
    if (afterPosition !== null) qb.andWhere('run.position > :afterPosition', { afterPosition });
    return qb.orderBy('run.position', 'ASC').limit(limit).getMany();
  }

  /**
   * Every subtask of a scheduler in row order, `pageSize` at a time: for work over all the rows
   * (a combined zip, a cancel) whose memory must not grow with their number. A page is read when
   * the previous one has been consumed; rows added or changed meanwhile are seen as they are then.
   */
  async *childrenPages(parentId: string, pageSize = CHILDREN_PER_PAGE): AsyncGenerator<RunEntity[], void, undefined> {
    let after: number | null = null;
    for (;;) {
      const page = await this.findChildrenPage(parentId, after, pageSize);
      if (page.length > 0) yield page;
      const last = page[page.length - 1];
      if (page.length < pageSize || last?.position == null) return;
      after = last.position;
    }
  }

  /** How many of a scheduler's subtasks are in each status, counted by the database. */
  async countChildrenByStatus(parentId: string): Promise<Partial<Record<RunStatus, number>>> {
    const rows = await this.runs
      .createQueryBuilder('run')
      .select('run.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .where('run.parent_id = :parentId', { parentId })
      .groupBy('run.status')
      .getRawMany<{ status: RunStatus; count: number | string }>();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** The ids of a scheduler's subtasks (their result folders go with it). */
  async findChildIds(parentId: string): Promise<string[]> {
    const rows = await this.runs.find({ select: { id: true }, where: { parentId } });
    return rows.map((row) => row.id);
  }

  findTopLevelByStatus(statuses: RunStatus[]): Promise<RunEntity[]> {
    return this.runs.find({
      where: { status: In(statuses), parentId: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * The jobs of the top-level runs queued now, oldest first (of those among `ids`, when given): what a
   * queue must hold. Only the two columns a job needs.
   */
  async findQueuedJobs(ids?: string[]): Promise<RunJob[]> {
    const chunks: (string[] | null)[] = ids ? [] : [null];
    for (let i = 0; ids && i < ids.length; i += IDS_PER_QUERY) chunks.push(ids.slice(i, i + IDS_PER_QUERY));
    const jobs: RunJob[] = [];
    for (const chunk of chunks) {
      const qb = this.runs
        .createQueryBuilder('run')
        .select(['run.id', 'run.ownerId'])
        .where('run.status = :queued', { queued: 'queued' satisfies RunStatus })
        .andWhere('run.parent_id IS NULL');
      if (chunk) qb.andWhere('run.id IN (:...ids)', { ids: chunk });
      const runs = await qb.orderBy('run.created_at', 'ASC').addOrderBy('run.id', 'ASC').getMany();
      jobs.push(...runs.map((run) => ({ runId: run.id, ownerId: run.ownerId })));
    }
    return jobs;
  }

  findByStatus(statuses: RunStatus[]): Promise<RunEntity[]> {
    return this.runs.find({ where: { status: In(statuses) } });
  }

  /**
   * Runs (subtasks included) that may have changed since `since` (an ISO time): created, started or
   * finished since then, or running or cancelling now. Read after a Redis outage, to send sockets
   * again what may not have crossed it; a full scan, as rare as such outages.
   */
  findChangedSince(since: string): Promise<RunEntity[]> {
    return this.runs
      .createQueryBuilder('run')
      .where('run.status IN (:...active)', { active: EXECUTING_STATUSES })
      .orWhere('run.created_at >= :since', { since })
      .orWhere('run.started_at >= :since', { since })
      .orWhere('run.finished_at >= :since', { since })
      .getMany();
  }

  /** Top-level runs, newest first, keyset-paged on (createdAt, id). */
  list(query: RunListQuery): Promise<RunEntity[]> {
    const qb = this.runs.createQueryBuilder('run').where('run.parent_id IS NULL');
    if (query.ownerId) qb.andWhere('run.owner_id = :ownerId', { ownerId: query.ownerId });
    if (query.ownerUsername) qb.andWhere('run.owner_username = :username', { username: query.ownerUsername });
    if (query.statuses?.length) qb.andWhere('run.status IN (:...statuses)', { statuses: query.statuses });
    if (query.mode) qb.andWhere('run.mode = :mode', { mode: query.mode });
    const after = query.after;
    if (after) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('run.created_at < :createdAt', { createdAt: after.createdAt })
            .orWhere('(run.created_at = :createdAt AND run.id < :id)', { createdAt: after.createdAt, id: after.id }),
        ),
      );
    }
    return qb.orderBy('run.created_at', 'DESC').addOrderBy('run.id', 'DESC').take(query.limit).getMany();
  }

  /**
   * Applies `changes` and bumps `version`; with `to`, only if the state machine allows entering
   * `to` from the stored status (narrowed to `from` when given). Returns the changed run, read back
   * by the same statement (`RETURNING`, on PostgreSQL and SQLite ≥ 3.35), or null when no row changed.
   */
  async update(id: string, changes: RunChanges, to?: RunStatus, from?: RunStatus[]): Promise<RunEntity | null> {
    const properties = (Object.keys(changes) as (keyof RunChanges)[]).filter((p) => changes[p] !== undefined);
    const guard = to ? (from ?? statusesLeadingTo(to)) : [];
    const sql = this.sql.update(properties, to !== undefined, guard.length);
    const parameters = [
      ...properties.map((property) => this.sql.toStored(property, changes[property])),
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
      return { run: await this.returning(this.sql.claim, parameters), committed: Promise.resolve() };
    const { rows, committed } = await this.groupCommit.executeEarly(this.sql.claim, parameters);
    return { run: this.toRuns(rows)[0] ?? null, committed };
  }

  /** Moves every subtask of a scheduler still queued to `cancelled`; returns them as changed. */
  cancelQueuedChildren(parentId: string, finishedAt: string): Promise<RunEntity[]> {
    return this.returningAll(this.sql.cancelQueuedChildren, [finishedAt, parentId]);
  }

  private async returning(sql: string, parameters: unknown[]): Promise<RunEntity | null> {
    return (await this.returningAll(sql, parameters))[0] ?? null;
  }

  private async returningAll(sql: string, parameters: unknown[]): Promise<RunEntity[]> {
    return this.toRuns(await this.write(sql, parameters));
  }

  /** Rows a statement returned, as entities. */
  private toRuns(rows: unknown[]): RunEntity[] {
    return (rows as Record<string, unknown>[]).map((row) => this.sql.hydrate(row));
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
    const rows = (await this.runs.query(this.sql.findExpired, [before, limit])) as { id: string; owner_id: string }[];
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
    if (this.groupCommit) {
      const list = JSON.stringify(ids);
      return this.groupCommit.exclusive((prepared) => {
        prepared(sql.remember).run(deletedAt, list);
        const children = prepared(sql.children).all(list) as { id: string }[];
        prepared(sql.deleteChildren).run(list);
        return toResult(children, prepared(sql.deleteTop).all(list) as { id: string }[]);
      });
    }
    const list = this.sqlite ? JSON.stringify(ids) : ids;
    return transaction(this.runs.manager, async (manager) => {
      await manager.query(sql.remember, [deletedAt, list]);
      const children = (await manager.query(sql.children, [list])) as { id: string }[];
      await manager.query(sql.deleteChildren, [list]);
      const answer = (await manager.query(sql.deleteTop, [list])) as unknown[];
      // TypeORM's PostgreSQL driver answers a DELETE … RETURNING with [rows, count], SQLite's with the rows.
      const removed = (this.sqlite ? answer : answer[0]) as { id: string }[];
      return toResult(children, removed);
    });
  }

  /** The four statements of `deleteFinished`, built once. */
  private deletionSql(): { remember: string; children: string; deleteChildren: string; deleteTop: string } {
    if (this.deletionStatements) return this.deletionStatements;
    const postgres = !this.sqlite;
    const table = (path: string): string =>
      path
        .split('.')
        .map((part) => `"${part}"`)
        .join('.');
    const runs = table(this.runs.metadata.tablePath);
    const deletions = table(this.deletions.metadata.tablePath);
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
    if (this.sqlite) {
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
