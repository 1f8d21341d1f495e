import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  canMoveToBackground,
  defaultMode,
  DisplayValues,
  FieldError,
  isFinalStatus,
  Parameters,
  RunMode,
  RunPage,
  RunStatus,
  RunView,
  validateParameters,
} from '@onward/task-domain';
import type { ReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { filter, firstValueFrom, fromEvent, NEVER, race, timer } from 'rxjs';

import { type AuthUser, isAdmin } from '../auth/auth-user';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../common/domain-errors';
import { PerUserCounter } from '../common/per-user-counter';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunQueue } from '../queue/run-queue.port';
import { ResultStorage } from '../results/result-storage.service';
import { TaskRegistry, type RegisteredTask } from '../tasks/task-registry.service';
import { CursorCodec } from './cursor';
import type { CreateRunDto } from './dto/create-run.dto';
import { RunEvents } from '../engine/run-events';
import { RunEntity } from '../persistence/run.entity';
import { RunRecorder } from '../engine/run-recorder';
import { SchedulerTally } from '../engine/scheduler-tally';
import { type AdminListRunsQuery, CHILDREN_PAGE, type ListChildrenQuery, RUNS_PAGE } from './dto/list-runs.query';
import { toRunView } from './run-view.mapper';
import { RunsRepository } from '../persistence/runs.repository';
import { RunDeletionsRepository } from '../persistence/run-deletions.repository';
import { RunWriter } from '../persistence/run-writer';

export type RunResultPayload =
  | { type: 'file'; fileName: string; contentType: string; size: number; stream: ReadStream }
  | { type: 'value'; value: unknown };

const now = (): string => new Date().toISOString();

/** 400 for a cursor that this server did not issue (for this list). */
function unissuedCursor(): ValidationError {
  return new ValidationError('cursor is not a cursor issued by this server', [
    { field: 'cursor', message: 'is not a cursor issued by this server' },
  ]);
}

/** `Retry-After` of a start refused for too many queued runs: about when a few of them may have started. */
export const QUEUED_RETRY_AFTER_S = 5;
/** `Retry-After` of a wait refused for too many open waits: they last 30 s by default. */
export const WAIT_RETRY_AFTER_S = 5;

function pick(values: Parameters, names: string[]): DisplayValues {
  const display: DisplayValues = {};
  for (const name of names) if (values[name] !== undefined) display[name] = values[name];
  return display;
}

/** The display of a scheduler: the display values shared by every row. */
function commonDisplay(rows: Parameters[], names: string[]): DisplayValues {
  const display: DisplayValues = {};
  for (const name of names) {
    const first = rows[0][name];
    if (first !== undefined && rows.every((row) => row[name] === first)) display[name] = first;
  }
  return display;
}

/** What users do with runs: start, list, read, cancel, move, delete, download, await. */
@Injectable()
export class RunsService {
  private readonly cursors: CursorCodec;
  private readonly logger = new Logger(RunsService.name);
  /** Open `/wait` calls per user, in this process (a client holds its waits on one connection). */
  private readonly waits: PerUserCounter;

  constructor(
    private readonly repository: RunsRepository,
    private readonly writer: RunWriter,
    private readonly deletions: RunDeletionsRepository,
    private readonly recorder: RunRecorder,
    private readonly events: RunEvents,
    private readonly registry: TaskRegistry,
    private readonly queue: RunQueue,
    private readonly storage: ResultStorage,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {
    this.cursors = new CursorCodec(config.jwtSecret);
    this.waits = new PerUserCounter(config.limits.waitsPerUser);
  }

  async create(user: AuthUser, request: CreateRunDto): Promise<RunView> {
    const task = this.registry.get(request.task);
    if (!task) throw new NotFoundError(`Unknown task "${request.task}"`);
    if (request.parameters !== undefined && request.rows !== undefined) {
      throw new ValidationError('Give either parameters (one record) or rows (a selection), not both', [
        { field: 'rows', message: 'must not be given together with parameters' },
      ]);
    }
    const mode = request.mode ?? defaultMode(task.definition.awaitResult);
    if (mode === 'background' && !task.definition.background) {
      throw new ValidationError(`The task "${task.definition.id}" cannot run in the background`, [
        { field: 'mode', message: 'this task runs in the foreground only' },
      ]);
    }
    const runs = request.rows
      ? this.schedulerRuns(user, task, mode, request.rows)
      : [this.singleRun(user, task, mode, request.parameters)];
    await this.assertQueueRoom(user);
    await this.writer.insert(runs);
    const top = runs[0];
    try {
      await this.queue.enqueue({ runId: top.id, ownerId: user.id });
    } catch (error) {
      // The run is stored; the workers' reconciler enqueues it once the queue answers again.
      this.logger.warn(`Run ${top.id} is stored but not yet enqueued: ${(error as Error).message}`);
    }
    this.recorder.announce(top);
    return toRunView(top);
  }

  /**
   * A start queues one more top-level run of the caller (a selection is one scheduler run: its
   * subtasks are the scheduler's work, not the user's queue). Counted, not locked: starts of one user
   * racing each other may pass the limit by the few in flight at that moment.
   */
  private async assertQueueRoom(user: AuthUser): Promise<void> {
    const limit = this.config.limits.queuedPerUser;
    if ((await this.writer.countQueued(user.id, limit)) >= limit) {
      throw new TooManyRequestsError(
        `You already have ${limit} queued ${limit === 1 ? 'run' : 'runs'}, the most allowed (ONWARD_MAX_QUEUED_PER_USER); start more once some have started`,
        QUEUED_RETRY_AFTER_S,
      );
    }
  }

  private newRun(
    user: AuthUser,
    task: RegisteredTask,
    mode: RunMode,
    parameters: Parameters,
    createdAt: string,
  ): RunEntity {
    return Object.assign(new RunEntity(), {
      id: randomUUID(),
      task: task.definition.id,
      title: task.definition.title,
      kind: task.definition.kind,
      ownerId: user.id,
      ownerUsername: user.username,
      mode,
      status: 'queued' as RunStatus,
      parameters,
      display: pick(parameters, task.definition.displayParameters),
      progressPercent: null,
      progressMessage: null,
      result: null,
      errorMessage: null,
      errorDetails: null,
      parentId: null,
      position: null,
      scheduler: null,
      createdAt,
      startedAt: null,
      finishedAt: null,
      version: 1,
      attempts: 0,
    });
  }

  private singleRun(user: AuthUser, task: RegisteredTask, mode: RunMode, input: unknown): RunEntity {
    const checked = validateParameters(task.options.parameters, input, 'parameters');
    if (!checked.ok) throw this.invalid(checked.errors);
    return this.newRun(user, task, mode, checked.value, now());
  }

  private schedulerRuns(user: AuthUser, task: RegisteredTask, mode: RunMode, rows: unknown[]): RunEntity[] {
    const errors: FieldError[] = [];
    const values: Parameters[] = [];
    rows.forEach((row, index) => {
      const checked = validateParameters(task.options.parameters, row, `rows[${index}]`);
      if (checked.ok) values.push(checked.value);
      else errors.push(...checked.errors);
    });
    if (errors.length > 0) throw this.invalid(errors.slice(0, 50));
    const createdAt = now();
    const parent = this.newRun(user, task, mode, {}, createdAt);
    parent.display = commonDisplay(values, task.definition.displayParameters);
    parent.progressPercent = 0;
    parent.scheduler = { total: values.length, completed: 0, failed: 0, cancelled: 0, current: null };
    const children = values.map((parameters, position) =>
      Object.assign(this.newRun(user, task, 'background', parameters, createdAt), { parentId: parent.id, position }),
    );
    return [parent, ...children];
  }

  private invalid(errors: FieldError[]): ValidationError {
    return new ValidationError(
      `Invalid parameters: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      errors,
    );
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
    return {
      items: items.map((run) => toRunView(run)),
      nextCursor: rows.length > limit && last ? this.cursors.encode({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** The run if the caller may see it; another user's run is "not found". */
  private async visible(user: AuthUser, id: string): Promise<RunEntity> {
    const run = await this.repository.findById(id);
    if (!run || (run.ownerId !== user.id && !isAdmin(user))) throw new NotFoundError(`Run ${id} not found`);
    return run;
  }

  /**
   * One run; a scheduler with its first subtasks (all of them up to a page) and, when there are
   * more, `childrenCursor` for `GET /api/runs/:id/children`.
   */
  async get(user: AuthUser, id: string): Promise<RunView> {
    const run = await this.visible(user, id);
    const view = toRunView(run);
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
      items: items.map((child) => toRunView(child)),
      nextCursor: more ? this.cursors.encodeChild({ parentId, position: last.position as number }) : null,
    };
  }

  async cancel(user: AuthUser, id: string): Promise<RunView> {
    const run = await this.visible(user, id);
    if (isFinalStatus(run.status)) throw new ConflictError(`Run ${id} has already finished (${run.status})`);
    return toRunView(await this.stop(run));
  }

  /** Cancels a queued run at once, or asks the engine to stop a running one (the lifecycle's `cancel`). */
  private async stop(run: RunEntity): Promise<RunEntity> {
    const finishedAt = now();
    if (run.status === 'queued') {
      // Redis away: the job stays behind, and the worker that takes it skips a run no longer queued.
      await this.queue.remove(run.id).catch((error: Error) => {
        this.logger.warn(`Run ${run.id}: its job could not be removed: ${error.message}`);
      });
    }
    // A worker may have started a queued run meanwhile: then it becomes cancelling, and is aborted.
    const stored = await this.recorder.apply(
      run.id,
      'cancel',
      (to) => (to === 'cancelled' ? { finishedAt } : {}),
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
        this.logger.warn(`Run ${run.id} is cancelling; its abort message could not be sent: ${error.message}`);
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
    if (run.mode === 'background') return toRunView(run);
    return toRunView((await this.recorder.change(run.id, { mode: 'background' })) ?? run);
  }

  async delete(user: AuthUser, id: string): Promise<void> {
    const run = await this.visible(user, id);
    if (run.parentId) throw new ConflictError('A subtask goes with its scheduler: delete the scheduler run instead');
    if (!isFinalStatus(run.status)) await this.stop(run);
    const childIds = run.scheduler ? await this.repository.findChildIds(run.id) : [];
    await this.deletions.deleteWithChildren(run, new Date().toISOString());
    await Promise.all([run.id, ...childIds].map((runId) => this.storage.remove(runId)));
    this.recorder.announceDeleted(run);
  }

  async result(user: AuthUser, id: string): Promise<RunResultPayload> {
    const run = await this.visible(user, id);
    if (!run.result) throw new ConflictError(`Run ${id} has no result${isFinalStatus(run.status) ? '' : ' yet'}`);
    if (run.result.type === 'value') return run.result;
    return { ...run.result, stream: this.storage.read(run.id, run.result.fileName) };
  }

  /**
   * Resolves when the run has finished or after `seconds` (checked by WaitQuery: 0–60), with its view then; early, when
   * `gone` fires (the client went away). Each user may hold `ONWARD_MAX_WAITS_PER_USER` at once.
   */
  async wait(user: AuthUser, id: string, seconds = 30, gone?: AbortSignal): Promise<RunView> {
    const release = this.waits.acquire(user.id);
    if (!release) {
      throw new TooManyRequestsError(
        `You already have ${this.config.limits.waitsPerUser} ${this.config.limits.waitsPerUser === 1 ? 'wait' : 'waits'} open, the most allowed (ONWARD_MAX_WAITS_PER_USER)`,
        WAIT_RETRY_AFTER_S,
      );
    }
    gone?.addEventListener('abort', release, { once: true });
    try {
      return await this.waitFor(user, id, seconds, gone);
    } finally {
      gone?.removeEventListener('abort', release);
      release();
    }
  }

  private async waitFor(user: AuthUser, id: string, seconds: number, gone?: AbortSignal): Promise<RunView> {
    const deadline = Date.now() + seconds * 1000;
    const clientGone = gone ? fromEvent(gone, 'abort') : NEVER;
    const finishedHere = this.events.events$.pipe(
      filter(
        (e) =>
          (e.type === 'updated' && e.run.id === id && isFinalStatus(e.run.status)) ||
          (e.type === 'deleted' && e.id === id),
      ),
    );
    let run = await this.visible(user, id);
    while (!isFinalStatus(run.status) && Date.now() < deadline && !gone?.aborted) {
      // Events are this process's; the re-read each second also sees runs executed elsewhere.
      await firstValueFrom(race(finishedHere, clientGone, timer(Math.min(1000, deadline - Date.now()))));
      if (gone?.aborted) break;
      run = await this.visible(user, id);
    }
    return toRunView(run);
  }
}
