import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_LOCALE,
  FIRST_ROWS_SHOWN,
  defaultMode,
  DisplayValues,
  FieldError,
  OnwardLocale,
  Parameters,
  RunMode,
  RunStatus,
  RunView,
  validateParameters,
} from '@onward/task-domain';
import { randomUUID } from 'node:crypto';

import { type AuthUser } from '../auth/auth-user';
import { inSpan, SpanKind, traceCarrier } from '../common/tracing';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../common/domain-errors';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { runLine } from '../engine/run-log';
import { RunRecorder } from '../engine/run-recorder';
import { RunEntity } from '../persistence/run.entity';
import { toldText } from '../persistence/queue-places';
import { RunWriter } from '../persistence/run-writer';
import { RunQueue } from '../queue/run-queue.port';
import { type RegisteredTask, TaskRegistry } from '../tasks/task-registry.service';
import { UploadFiles } from '../uploads/upload-files';
import type { CreateRunDto } from './dto/create-run.dto';
import { RunViews } from '../persistence/run-views';

const now = (): string => new Date().toISOString();

/** `Retry-After` of a start refused for too many queued runs: about when a few of them may have started. */
export const QUEUED_RETRY_AFTER_S = 5;

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

/** How a run is started besides its request: the run it repeats, and the language of its messages. */
export interface StartOptions {
  /** The run it repeats (`POST /api/runs/:id/rerun`). */
  rerunOf?: string | null;
  /** Negotiated from the request's `Accept-Language`; a scheduler's subtasks get their scheduler's. */
  locale?: OnwardLocale;
}

/** Starting runs: the request and its parameters checked, the caller's queue limit, stored, enqueued, announced. */
@Injectable()
export class RunStarter {
  private readonly logger = new Logger(RunStarter.name);

  constructor(
    private readonly writer: RunWriter,
    private readonly recorder: RunRecorder,
    private readonly registry: TaskRegistry,
    private readonly queue: RunQueue,
    private readonly files: UploadFiles,
    private readonly views: RunViews,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {}

  /** Starts `request` for `user`, with the options of a rerun or the caller's language. */
  create(user: AuthUser, request: CreateRunDto, options: StartOptions = {}): Promise<RunView> {
    // The root of the run's trace: its queue hop and its execution on a worker are children.
    return inSpan('run.start', { 'onward.task': request.task }, async (span) => {
      const view = await this.start(user, request, options);
      span.setAttribute('onward.run_id', view.id);
      return view;
    });
  }

  private async start(user: AuthUser, request: CreateRunDto, options: StartOptions): Promise<RunView> {
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
    const locale = options.locale ?? DEFAULT_LOCALE;
    const runs = request.rows
      ? this.schedulerRuns(user, task, mode, request.rows)
      : [this.singleRun(user, task, mode, request.parameters)];
    await this.resolveFiles(user, task, runs, request.rows !== undefined);
    const top = runs[0];
    top.rerunOf = options.rerunOf ?? null;
    for (const run of runs) {
      run.locale = locale;
      run.title = task.localized[locale].title;
    }
    // The place the start answers with is stored as told: a read pushes it only once it moves.
    const view = this.views.of(top);
    top.queueTold = toldText(view.queue);
    await this.insertWithinQueueLimit(user, runs);
    try {
      await inSpan(
        'run.enqueue',
        { 'onward.run_id': top.id, 'onward.task': top.task },
        () => this.queue.enqueue({ runId: top.id, ownerId: user.id, trace: traceCarrier() }),
        { kind: SpanKind.PRODUCER },
      );
    } catch (error) {
      // The run is stored; the workers' reconciler enqueues it once the queue answers again.
      this.logger.warn(runLine(top, `Run ${top.id} is stored but not yet enqueued: ${(error as Error).message}`));
    }
    // The place stored as told, not one of a read made meanwhile: that read's push is owed still.
    this.recorder.announce(top, 'queued', view);
    return view;
  }

  /**
   * A start queues one more top-level run of the caller (a selection is one scheduler run: its
   * subtasks are the scheduler's work, not the user's queue), unless they have as many as allowed.
   */
  private async insertWithinQueueLimit(user: AuthUser, runs: RunEntity[]): Promise<void> {
    const limit = this.config.limits.queuedPerUser;
    if (!(await this.writer.insertWithinCap(runs, user.id, limit))) {
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
      rerunOf: null,
      stalled: false,
      locale: DEFAULT_LOCALE,
      queueTold: null,
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
    parent.firstRows = values.slice(0, FIRST_ROWS_SHOWN).map((row) => pick(row, task.definition.displayParameters));
    parent.progressPercent = 0;
    parent.scheduler = { total: values.length, completed: 0, failed: 0, cancelled: 0, current: null };
    const children = values.map((parameters, position) =>
      Object.assign(this.newRun(user, task, 'background', parameters, createdAt), { parentId: parent.id, position }),
    );
    return [parent, ...children];
  }

  /**
   * A `file` parameter must name one of the caller's own completed uploads; the runs show the
   * upload's file name instead of its id. `runs` is one run, or a scheduler and its subtasks.
   */
  private async resolveFiles(user: AuthUser, task: RegisteredTask, runs: RunEntity[], rows: boolean): Promise<void> {
    const fileParameters = task.options.parameters.filter((p) => p.type === 'file');
    if (fileParameters.length === 0) return;
    const rowRuns = rows ? runs.slice(1) : runs;
    const ids = rowRuns.flatMap((run) => fileParameters.map((p) => run.parameters[p.name]));
    // One read for every row of a selection.
    const names = await this.files.namesOf(
      user.id,
      ids.filter((id): id is string => typeof id === 'string'),
    );
    const errors: FieldError[] = [];
    for (const [index, run] of rowRuns.entries()) {
      for (const parameter of fileParameters) {
        const id = run.parameters[parameter.name];
        if (typeof id !== 'string') continue;
        if (!names.has(id)) {
          const path = rows ? `rows[${index}]` : 'parameters';
          errors.push({
            field: `${path}.${parameter.name}`,
            message: `${parameter.label} must be one of your completed uploads`,
          });
        }
      }
    }
    if (errors.length > 0) throw this.invalid(errors.slice(0, 50));
    const shown = (display: DisplayValues): DisplayValues => {
      const named = { ...display };
      for (const { name } of fileParameters) {
        const value = named[name];
        if (typeof value === 'string') named[name] = names.get(value) ?? value;
      }
      return named;
    };
    for (const run of runs) {
      run.display = shown(run.display);
      if (run.firstRows) run.firstRows = run.firstRows.map(shown);
    }
  }

  private invalid(errors: FieldError[]): ValidationError {
    return new ValidationError(
      `Invalid parameters: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      errors,
    );
  }
}
