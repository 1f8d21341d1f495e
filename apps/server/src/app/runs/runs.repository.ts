import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RunStatus, statusesLeadingTo } from '@onward/task-domain';
import { Brackets, In, IsNull, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { RunEntity } from './run.entity';

/** Columns to change; `version` is always bumped by the repository. */
export type RunChanges = Partial<Omit<RunEntity, 'id' | 'version'>>;

// TypeORM's deep-partial type cannot express `unknown` JSON values (a run's value result).
const asPartial = (changes: object): QueryDeepPartialEntity<RunEntity> => changes as QueryDeepPartialEntity<RunEntity>;

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
export class RunsRepository {
  constructor(@InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>) {}

  async insert(runs: RunEntity[]): Promise<void> {
    // Chunked: SQLite caps the number of bound variables per statement.
    // updateEntity(false): TypeORM's read-back after a multi-row insert on SQLite mixes up the ids.
    for (let i = 0; i < runs.length; i += 100) {
      await this.runs
        .createQueryBuilder()
        .insert()
        .values(runs.slice(i, i + 100).map(asPartial))
        .updateEntity(false)
        .execute();
    }
  }

  findById(id: string): Promise<RunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  findChildren(parentId: string): Promise<RunEntity[]> {
    return this.runs.find({ where: { parentId }, order: { position: 'ASC' } });
  }

  findTopLevelByStatus(statuses: RunStatus[]): Promise<RunEntity[]> {
    return this.runs.find({
      where: { status: In(statuses), parentId: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  findByStatus(statuses: RunStatus[]): Promise<RunEntity[]> {
    return this.runs.find({ where: { status: In(statuses) } });
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
    const where = to ? { id, status: In(from ?? statusesLeadingTo(to)) } : { id };
    const [sql, parameters] = this.runs
      .createQueryBuilder()
      .update()
      .set(asPartial({ ...changes, ...(to ? { status: to } : {}), version: () => 'version + 1' }))
      .where(where)
      .getQueryAndParameters();
    return this.returning(sql, parameters);
  }

  /**
   * Queued → running in one statement: one more attempt, `startedAt` kept from an earlier attempt.
   * Returns the claimed run, or null when it was not queued.
   */
  async claim(id: string, startedAt: string): Promise<RunEntity | null> {
    const [sql, parameters] = this.runs
      .createQueryBuilder()
      .update()
      .set({
        status: 'running',
        startedAt: () => 'COALESCE(started_at, :startedAt)',
        attempts: () => 'attempts + 1',
        version: () => 'version + 1',
      })
      .where({ id, status: 'queued' })
      .setParameter('startedAt', startedAt)
      .getQueryAndParameters();
    return this.returning(sql, parameters);
  }

  private async returning(sql: string, parameters: unknown[]): Promise<RunEntity | null> {
    // PostgreSQL's runner answers an UPDATE with [rows, count], better-sqlite3's with the rows.
    const raw = (await this.runs.query(`${sql} RETURNING *`, parameters)) as unknown[];
    const rows = (Array.isArray(raw[0]) ? raw[0] : raw) as Record<string, unknown>[];
    return rows.length > 0 ? this.hydrate(rows[0]) : null;
  }

  /** A raw row (column names, stored values) as the entity TypeORM would have loaded. */
  private hydrate(row: Record<string, unknown>): RunEntity {
    const driver = this.runs.manager.connection.driver;
    const run = new RunEntity();
    for (const column of this.runs.metadata.columns) {
      column.setEntityValue(run, driver.prepareHydratedValue(row[column.databaseName], column));
    }
    return run;
  }

  /** Moves every still-unfinished subtask of a scheduler to `cancelled`. */
  async cancelPendingChildren(parentId: string, finishedAt: string): Promise<void> {
    await this.runs.update(
      { parentId, status: In(['queued']) },
      { status: 'cancelled', finishedAt, version: () => 'version + 1' },
    );
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.runs.delete({ id: In(ids) });
  }

  async deleteWithChildren(id: string): Promise<void> {
    await this.runs.delete({ parentId: id });
    await this.runs.delete({ id });
  }
}
