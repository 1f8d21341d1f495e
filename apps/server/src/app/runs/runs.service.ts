import { Inject, Injectable, Logger } from '@nestjs/common';
import { canMoveToBackground, isFinalStatus, RunCanceller, RunPage, RunView } from '@onward/task-domain';

import { type AuthUser, isAdmin } from '../auth/auth-user';
import { ConflictError, ValidationError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { runLine } from '../engine/run-log';
import { RunRecorder } from '../engine/run-recorder';
import { SchedulerTally } from '../engine/scheduler-tally';
import type { RunEntity } from '../persistence/run.entity';
import { RunDeletionsRepository } from '../persistence/run-deletions.repository';
import { RunsRepository } from '../persistence/runs.repository';
import { RunQueue } from '../queue/run-queue.port';
import { ResultStorage } from '../results/result-storage.service';
import { TaskRegistry } from '../tasks/task-registry.service';
import { UPLOAD_KIND } from '../uploads/upload-files';
import { UploadsService } from '../uploads/uploads.service';
import { CursorCodec } from './cursor';
import { type AdminListRunsQuery, CHILDREN_PAGE, type ListChildrenQuery, RUNS_PAGE } from './dto/list-runs.query';
import { QueueWatcher } from '../engine/queue-watcher';
import { RunViews } from '../persistence/run-views';
import { visibleRun } from './visible-run';

const now = (): string => new Date().toISOString();

/** Who cancels: `admin` when an administrator stops another user's run. */
function cancellerOf(user: AuthUser, run: RunEntity): RunCanceller {
  return { id: user.id, username: user.username, admin: isAdmin(user) && user.id !== run.ownerId };
}

/** 400 for a cursor that this server did not issue (for this list). */
function unissuedCursor(): ValidationError {
  return new ValidationError('cursor is not a cursor issued by this server', [
    { field: 'cursor', message: 'is not a cursor issued by this server' },
  ]);
}

/**
 * What users do with runs once started: list, read, cancel, move, delete (starting: `RunStarter`;
 * results and `/wait`: `RunResults`).
 */
@Injectable()
export class RunsService {
  private readonly cursors: CursorCodec;
  private readonly logger = new Logger(RunsService.name);

  constructor(
    private readonly repository: RunsRepository,
    private readonly deletions: RunDeletionsRepository,
    private readonly recorder: RunRecorder,
    private readonly registry: TaskRegistry,
    private readonly queue: RunQueue,
    private readonly storage: ResultStorage,
    private readonly views: RunViews,
    private readonly places: QueueWatcher,
    private readonly uploads: UploadsService,
    @Inject(ONWARD_CONFIG) config: OnwardConfig,
  ) {
    this.cursors = new CursorCodec(config.jwtSecret);
  }

  /** A page of top-level runs; the query's values are already checked (ListRunsQuery). */
  async list(user: AuthUser, query: AdminListRunsQuery, everyone: boolean): Promise<RunPage> {
    const after = query.cursor === undefined ? undefined : this.cursors.decode(query.cursor);
    if (after === null) throw unissuedCursor();
    const limit = query.limit ?? RUNS_PAGE.default;
    const rows = await this.repository.list({
      ownerId: everyone ? undefined : user.id,
      ownerUsername: query.user,
      statuses: query.status,
      mode: query.mode,
      limit: limit + 1,
      after,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    if (items.some((run) => run.status === 'queued')) await this.places.fresh();
    return {
      items: items.map((run) => this.views.of(run)),
      nextCursor: rows.length > limit && last ? this.cursors.encode({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** The run if the caller may see it; another user's run is "not found". */
  private visible(user: AuthUser, id: string): Promise<RunEntity> {
    return visibleRun(this.repository, user, id);
  }

  /**
   * One run; a scheduler with its first subtasks (all of them up to a page) and, when there are
   * more, `childrenCursor` for `GET /api/runs/:id/children`.
   */
  async get(user: AuthUser, id: string): Promise<RunView> {
    const run = await this.visible(user, id);
    if (run.status === 'queued') await this.places.fresh();
    const view = this.views.of(run);
    if (run.scheduler) {
      const page = await this.childrenPage(run.id, null, CHILDREN_PAGE.default);
      view.children = page.items;
      if (page.nextCursor !== null) view.childrenCursor = page.nextCursor;
    }
    return view;
  }

  /**
   * A page of a run's subtasks in row order. A run that is not a scheduler has none: an empty page
   * (the run exists, its subtask list is empty), not 404.
   */
  async children(user: AuthUser, id: string, query: ListChildrenQuery): Promise<RunPage> {
    const run = await this.visible(user, id);
    let after: number | null = null;
    if (query.cursor !== undefined) {
      // Bound to its scheduler: a cursor of another run was not issued for this one.
      const position = this.cursors.decodeChild(query.cursor);
      if (position?.parentId !== run.id) throw unissuedCursor();
      after = position.position;
    }
    if (!run.scheduler) return { items: [], nextCursor: null };
    return this.childrenPage(run.id, after, query.limit ?? CHILDREN_PAGE.default);
  }

  /** Up to `limit` subtasks after position `after`, read one more to know whether a next page exists. */
  private async childrenPage(parentId: string, after: number | null, limit: number): Promise<RunPage> {
    const rows = await this.repository.findChildrenPage(parentId, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const more = rows.length > limit && last !== undefined && last.position !== null;
    return {
      items: items.map((child) => this.views.of(child)),
      nextCursor: more ? this.cursors.encodeChild({ parentId, position: last.position as number }) : null,
    };
  }

  async cancel(user: AuthUser, id: string): Promise<RunView> {
    const run = await this.visible(user, id);
    if (isFinalStatus(run.status)) throw new ConflictError(`Run ${id} has already finished (${run.status})`);
    return this.views.of(await this.stop(run, cancellerOf(user, run)));
  }

  /** Cancels a queued run at once, or asks the engine to stop a running one (the lifecycle's `cancel`). */
  private async stop(run: RunEntity, cancelledBy: RunCanceller): Promise<RunEntity> {
    // No handler executes an upload: its bytes and record go here, and it ends cancelled at once.
    if (run.kind === UPLOAD_KIND) {
      return (await this.uploads.cancel(run, cancelledBy)) ?? (await this.repository.findById(run.id)) ?? run;
    }
    const finishedAt = now();
    if (run.status === 'queued') {
      // Redis away: the job stays behind, and the worker that takes it skips a run no longer queued.
      await this.queue.remove(run.id).catch((error: Error) => {
        this.logger.warn(runLine(run, `Run ${run.id}: its job could not be removed: ${error.message}`));
      });
    }
    // A worker may have started a queued run meanwhile: then it becomes cancelling, and is aborted.
    const stored = await this.recorder.apply(
      run.id,
      'cancel',
      (to) => (to === 'cancelled' ? { finishedAt, cancelledBy } : { cancelledBy }),
      run.status,
    );
    if (stored?.status === 'cancelled') {
      if (run.scheduler) return (await this.cancelChildren(run.id, finishedAt)) ?? stored;
      return stored;
    }
    if (stored?.status === 'cancelling') {
      // The cancel is recorded: a worker that misses the message (Redis away) sees `cancelling` at its
      // next progress write. Failing the request now would misreport a change already made.
      await this.queue.abort(run.id).catch((error: Error) => {
        this.logger.warn(
          runLine(run, `Run ${run.id} is cancelling; its abort message could not be sent: ${error.message}`),
        );
      });
      return stored;
    }
    // Cancelling already, or finished meanwhile: as it is now.
    return (await this.repository.findById(run.id)) ?? run;
  }

  private async cancelChildren(parentId: string, finishedAt: string): Promise<RunEntity | null> {
    await this.recorder.cancelQueuedChildren(parentId, finishedAt);
    // Counted in the database: a selection of 10,000 rows is not read to count it.
    const tally = SchedulerTally.fromCounts(await this.repository.countChildrenByStatus(parentId));
    return this.recorder.change(parentId, { scheduler: tally.state() });
  }

  async moveToBackground(user: AuthUser, id: string): Promise<RunView> {
    const run = await this.visible(user, id);
    const task = this.registry.get(run.task);
    if (!task || !canMoveToBackground(task.definition.awaitResult, task.definition.background)) {
      throw new ConflictError(`Runs of "${run.task}" must stay in the foreground (awaitResult is "yes")`);
    }
    if (run.mode === 'background') return this.views.of(run);
    return this.views.of((await this.recorder.change(run.id, { mode: 'background' })) ?? run);
  }

  async delete(user: AuthUser, id: string): Promise<void> {
    const run = await this.visible(user, id);
    if (run.parentId) throw new ConflictError('A subtask goes with its scheduler: delete the scheduler run instead');
    if (!isFinalStatus(run.status)) await this.stop(run, cancellerOf(user, run));
    const childIds = run.scheduler ? await this.repository.findChildIds(run.id) : [];
    await this.deletions.deleteWithChildren(run, new Date().toISOString());
    await Promise.all([run.id, ...childIds].map((runId) => this.storage.remove(runId)));
    this.recorder.announceDeleted(run);
  }
}
