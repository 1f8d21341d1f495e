import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RunProgress, RunResult, RunStatus } from '@onward/task-domain';

import { errorReference } from '../common/http-exception.filter';
import { inSpan, runAttributes } from '../common/tracing';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { ResultStorage } from '../results/result-storage.service';
import { ResultWriteFailure, storageFailure } from '../results/storage-failure';
import type { RunEntity } from '../persistence/run.entity';
import type { RunChanges } from '../persistence/run-writer';
import { RunsRepository } from '../persistence/runs.repository';
import { TaskDurations } from '../persistence/task-durations';
import { TaskFailure } from '../tasks/task-handler';
import { TaskRegistry } from '../tasks/task-registry.service';
import { ActiveRuns, CancelledByUser } from './active-runs';
import { linkedController } from './linked-abort';
import { ProgressReporter, type StallWatch } from './progress-reporter';
import { RunRecorder } from './run-recorder';
import { createTaskContext } from './task-context';
import { runLine } from './run-log';
import { loggableParameters } from '../observability/logging';

/** Progress is written (and sent to browsers) at most this often per run. */
export const PROGRESS_INTERVAL_MS = 100;

/** How a handler ended, before the lifecycle decides what that means for the stored run. */
export type HandlerEnd =
  | { event: 'succeeded'; result: RunResult; lastMessage?: string | null }
  | { event: 'failed'; message: string; details: string | null }
  | { event: 'stopped' | 'handed-back' };

const now = (): string => new Date().toISOString();

/** The columns that go with the status a handler's end leads to. */
function endChanges(to: RunStatus, end: HandlerEnd, finishedAt: string): RunChanges {
  switch (to) {
    case 'completed':
      if (end.event !== 'succeeded') return { result: null, progressPercent: 100, finishedAt };
      // The last message a quick handler reported between two progress writes is its final word.
      return end.lastMessage === undefined
        ? { result: end.result, progressPercent: 100, finishedAt }
        : { result: end.result, progressPercent: 100, progressMessage: end.lastMessage, finishedAt };
    case 'failed':
      return end.event === 'failed'
        ? { errorMessage: end.message, errorDetails: end.details, finishedAt }
        : { errorMessage: 'The task failed', errorDetails: null, finishedAt };
    case 'queued':
      return { progressPercent: null, progressMessage: 'Waiting to resume' };
    default:
      return { finishedAt };
  }
}

/**
 * Executes one claimed run's handler (a single run, or one subtask of a scheduler) and records its
 * end as the lifecycle says.
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger('RunExecutor');

  constructor(
    private readonly recorder: RunRecorder,
    private readonly registry: TaskRegistry,
    private readonly storage: ResultStorage,
    private readonly active: ActiveRuns,
    private readonly repository: RunsRepository,
    private readonly durations: TaskDurations,
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
  ) {}

  /**
   * Runs `run` (claimed: `running`) to its end; `onProgress` also hears each progress write (a
   * scheduler passes it on). Returns the stored run as it ended, or null when it was deleted.
   */
  async run(
    run: RunEntity,
    signal: AbortSignal,
    onProgress: ((progress: RunProgress) => Promise<void>) | null = null,
  ): Promise<RunEntity | null> {
    const end = await inSpan('run.handler', runAttributes(run), () => this.execute(run, signal, onProgress));
    // A result belongs to a completed run only: a failed, stopped or handed-back run's partial file
    // goes before its end is announced, so that whoever sees the end finds no file.
    if (end.event !== 'succeeded') await this.storage.remove(run.id);
    const stored = await inSpan('run.record_end', runAttributes(run), () =>
      this.recorder.apply(run.id, end.event, (to) => this.endChanges(run, to, end), 'running'),
    );
    // Its user's cancel won over a handler that had just succeeded: the file goes too.
    if (end.event === 'succeeded' && stored?.status !== 'completed') await this.storage.remove(run.id);
    if (stored?.status === 'completed' && stored.startedAt && stored.finishedAt) {
      this.durations.record(stored.task, Date.parse(stored.finishedAt) - Date.parse(stored.startedAt));
    }
    return stored;
  }

  /** A subtask cancelled with its scheduler says who cancelled that (read only on this rare path). */
  private async endChanges(run: RunEntity, to: RunStatus, end: HandlerEnd): Promise<RunChanges> {
    const changes = endChanges(to, end, now());
    if (to !== 'cancelled' || run.parentId === null) return changes;
    const parent = await this.repository.findById(run.parentId);
    return { ...changes, cancelledBy: parent?.cancelledBy ?? null };
  }

  private async execute(
    run: RunEntity,
    signal: AbortSignal,
    onProgress: ((progress: RunProgress) => Promise<void>) | null,
  ): Promise<HandlerEnd> {
    const task = this.registry.get(run.task);
    if (!task) return { event: 'failed', message: `The task "${run.task}" is no longer installed`, details: null };
    this.logger.debug(
      runLine(run, `Run ${run.id} (${run.task}) starts`, {
        parameters: loggableParameters(run.parameters, task.options.parameters),
      }),
    );
    const stall: StallWatch | null =
      task.options.reportsProgress === false
        ? null
        : {
            afterMs: this.config.stallWarningMs,
            onStall: () => {
              this.recorder
                .change(run.id, { stalled: true })
                .catch((error: Error) =>
                  this.logger.warn(runLine(run, `Run ${run.id}: could not mark it stalled: ${error.message}`)),
                );
            },
          };
    const reporter = new ProgressReporter(
      PROGRESS_INTERVAL_MS,
      async (progress, clearsStall) => {
        const stored = await this.recorder.change(run.id, {
          progressPercent: progress.percent,
          progressMessage: progress.message,
          ...(clearsStall ? { stalled: false } : {}),
        });
        this.active.stopIfCancelled(run.id, stored);
        await onProgress?.(progress);
      },
      stall,
    );
    // Fires when the result file cannot be written (a full disk), besides the run's own signal.
    const { controller: taskAbort, unlink } = linkedController(signal);
    const { ctx, output } = createTaskContext(run, taskAbort.signal, reporter, this.storage, (reason) =>
      taskAbort.abort(reason),
    );
    try {
      const value = await task.handler.run(ctx);
      await output.settle();
      const unwritten = await reporter.close();
      if (signal.aborted) return this.aborted(signal);
      const file = output.file;
      const result: RunResult = file
        ? {
            type: 'file',
            fileName: file.fileName,
            contentType: file.contentType,
            size: await this.storage.size(file.path),
          }
        : {
            type: 'value',
            value: value === undefined ? null : value,
            ...(output.summary === null ? {} : { summary: output.summary }),
          };
      return unwritten
        ? { event: 'succeeded', result, lastMessage: unwritten.message }
        : { event: 'succeeded', result };
    } catch (error) {
      await reporter.close();
      const fileErrors = await output.discard();
      if (signal.aborted) return this.aborted(signal);
      // The file's own error explains a handler that failed because its stream did (a full disk).
      const failure =
        storageFailure(...fileErrors, error, taskAbort.signal.reason) ??
        (error instanceof Error ? error : new Error(String(error)));
      return { event: 'failed', message: failure.message || 'The task failed', details: this.details(run, failure) };
    } finally {
      unlink();
    }
  }

  /** A user's cancel stops the run; a shutdown hands it back to the queue. */
  private aborted(signal: AbortSignal): HandlerEnd {
    return { event: signal.reason instanceof CancelledByUser ? 'stopped' : 'handed-back' };
  }

  /** A TaskFailure's details are the task's words for the user; any other error's stack stays in the log. */
  private details(run: RunEntity, failure: Error): string | null {
    if (failure instanceof ResultWriteFailure) {
      this.logger.error(
        runLine(run, `Run ${run.id} (${run.task}) failed: its result file could not be written (${failure.code})`),
      );
      return failure.details;
    }
    if (failure instanceof TaskFailure) {
      this.logger.warn(runLine(run, `Run ${run.id} (${run.task}) failed: ${failure.message}`));
      return failure.details;
    }
    const reference = errorReference();
    this.logger.warn(
      runLine(run, `Run ${run.id} (${run.task}) failed [reference ${reference}]: ${failure.stack ?? failure.message}`),
    );
    return `An unexpected error; quote reference ${reference} to the administrator.`;
  }
}
