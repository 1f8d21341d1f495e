import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EXECUTING_STATUSES, type RunKind, RunStatus } from '@onward/task-domain';
import { Brackets, In, IsNull, Repository } from 'typeorm';

import type { RunJob } from '../queue/run-queue.port';
import { RunEntity } from './run.entity';

/** Ids bound in one `IN (…)`, well under both databases' limits on parameters. */
export const IDS_PER_QUERY = 1_000;
/** Subtasks per page of `childrenPages`. */
export const CHILDREN_PER_PAGE = 500;

/** A queued run's job, with the place it was last told (`runs.queue_told`). */
export interface QueuedRun extends RunJob {
  told: string | null;
}

export interface RunListQuery {
  ownerId?: string;
  ownerUsername?: string;
  statuses?: RunStatus[];
  mode?: string;
  limit: number;
  after?: { createdAt: string; id: string };
}

/** Reads of the runs table (writes: `RunWriter`, deletions: `RunDeletionsRepository`); no logic beyond the queries. */
@Injectable()
export class RunsRepository {
  constructor(@InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>) {}

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

  /** The first `limit` queued top-level runs in queue order (oldest first): the queue places' input. */
  async findQueueOrder(limit: number): Promise<QueuedRun[]> {
    const runs = await this.runs
      .createQueryBuilder('run')
      .select(['run.id', 'run.ownerId', 'run.queueTold'])
      .where('run.status = :queued', { queued: 'queued' satisfies RunStatus })
      .andWhere('run.parent_id IS NULL')
      .orderBy('run.created_at', 'ASC')
      .addOrderBy('run.id', 'ASC')
      .limit(limit)
      .getMany();
    return runs.map((run) => ({ runId: run.id, ownerId: run.ownerId, told: run.queueTold }));
  }

  /**
   * Runs `work` (a read of the queue and the places it tells) holding the queue's lock on PostgreSQL,
   * a transaction-level advisory lock per schema: API processes read and tell one at a time, so that a
   * read older than another's never stores its places after it. SQLite has a single process.
   */
  async underQueueLock<T>(work: () => Promise<T>): Promise<T> {
    if (this.runs.manager.connection.driver.options.type !== 'postgres') return work();
    const runner = this.runs.manager.connection.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT pg_advisory_xact_lock(hashtext('onward.queue.' || current_schema()))`);
      const result = await work();
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** How many top-level runs each user has executing now (running or cancelling); uploads take no worker. */
  async countExecutingByOwner(): Promise<Map<string, number>> {
    const rows = await this.runs
      .createQueryBuilder('run')
      .select('run.owner_id', 'ownerId')
      .addSelect('COUNT(*)', 'n')
      .where('run.status IN (:...statuses)', { statuses: [...EXECUTING_STATUSES] })
      .andWhere('run.parent_id IS NULL')
      .andWhere('run.kind <> :upload', { upload: 'upload' satisfies RunKind })
      .groupBy('run.owner_id')
      .getRawMany<{ ownerId: string; n: string | number }>();
    return new Map(rows.map((row) => [row.ownerId, Number(row.n)]));
  }

  /** The runs of `ids` that exist (any number of ids, `IDS_PER_QUERY` at a time). */
  async findByIds(ids: string[]): Promise<RunEntity[]> {
    const found: RunEntity[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      found.push(...(await this.runs.findBy({ id: In(ids.slice(i, i + IDS_PER_QUERY)) })));
    }
    return found;
  }

  /** Top-level runs of one kind in `statuses` (unfinished uploads: a few per user at most). */
  findByKind(kind: RunKind, statuses: RunStatus[]): Promise<RunEntity[]> {
    return this.runs.find({ where: { kind, status: In(statuses), parentId: IsNull() } });
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
}
