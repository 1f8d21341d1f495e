import { errorReference } from '../common/http-exception.filter';
import { Injectable, Logger } from '@nestjs/common';
import {
  isFinalStatus,
  RunProgress,
  RunResult,
  RunStatus,
  schedulerMessage,
  schedulerOutcome,
  schedulerPercent,
  SchedulerState,
} from '@onward/task-domain';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { ResultStorage } from '../results/result-storage.service';
import { ResultWriteFailure, storageFailure } from '../results/storage-failure';
import { writeZip, ZipEntry } from '../results/zip-writer';
import type { RunJob } from '../queue/run-queue.port';
import { TaskFailure, type TaskContext } from '../tasks/task-handler';
import { TaskRegistry } from '../tasks/task-registry.service';
import { linkedController } from './linked-abort';
import { PROGRESS_MESSAGE_MAX, ProgressReporter } from './progress-reporter';
import type { RunEntity } from './run.entity';
import { RunStore } from './run-store.service';
import { RunsRepository } from './runs.repository';

/** Progress is written (and sent to browsers) at most this often per run. */
export const PROGRESS_INTERVAL_MS = 100;

/** Why a run's signal fired. */
export class CancelledByUser extends Error {
  constructor() {
    super('Cancelled by the user');
  }
}

type Outcome = 'completed' | 'failed' | 'cancelled' | 'requeued';

const now = (): string => new Date().toISOString();
/** How long a finished run's job waits for Redis to take the run's last update. */
const ANNOUNCE_WAIT_MS = 10_000;

/** "Globex 2024": the display values of a run, for scheduler messages. */
function label(run: RunEntity): string {
  return Object.values(run.display).join(' ');
}

/**
 * The run engine: executes one queued run (a single task, or a scheduler's subtasks one after
 * another) and records every step. Written once, above the queue port; drivers call `execute`.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);
  /** Runs executing in this process, subtasks included, by id. */
  private readonly active = new Map<string, AbortController>();

  constructor(
    private readonly repository: RunsRepository,
    private readonly store: RunStore,
    private readonly registry: TaskRegistry,
    private readonly storage: ResultStorage,
  ) {}

  /** Stops `runId` if it executes in this process (called for cancels and deletes). */
  abortLocal(runId: string): void {
    this.active.get(runId)?.abort(new CancelledByUser());
  }

  /**
   * Stops a run cancelled or deleted meanwhile (`stored`, its state read back after a write) whose
   * abort message never reached this process: Redis was away, or the message came before this process
   * held the run. Every progress write is such a read.
   */
  private stopIfCancelled(runId: string, stored: RunEntity | null): void {
    if (!stored || stored.status === 'cancelling') this.abortLocal(runId);
  }

  /** Executes a queued run; `signal` fires when the process stops taking work. */
  async execute(job: RunJob, signal: AbortSignal): Promise<'done' | 'requeue'> {
    // Registered before the claim, so that a cancel arriving meanwhile still reaches the handler.
    const { controller, unlink } = linkedController(signal);
    this.active.set(job.runId, controller);
    try {
      // The common case in one statement: claim the run while it is still queued.
      const run = (await this.store.claim(job.runId, now())) ?? (await this.claimAfterCheck(job.runId));
      if (!run) return 'done';
      this.logger.debug(`Run ${run.id} (${run.task}) of ${run.ownerUsername} started in process ${process.pid}`);
      const outcome = run.scheduler
        ? await this.executeScheduler(run, controller.signal)
        : await this.executeSingle(run, controller.signal, null);
      this.logger.debug(`Run ${run.id} (${run.task}) ended ${outcome}`);
      return outcome === 'requeued' ? 'requeue' : 'done';
    } finally {
      unlink();
      this.active.delete(job.runId);
      // The queue finishes the job once this returns. Before that, Redis must have the run's last
      // update: a worker killed in between would otherwise leave every monitor showing the run
      // unfinished, while a job left unfinished is handed to another worker, which announces the
      // stored run again.
      await this.store.announced(ANNOUNCE_WAIT_MS);
    }
  }

  /** The run was not queued: cancelled or deleted while waiting, or redelivered after a crash. */
  private async claimAfterCheck(runId: string): Promise<RunEntity | null> {
    let stored = await this.repository.findById(runId);
    if (stored && isFinalStatus(stored.status)) {
      // Its worker may have died between storing the end and announcing it, and the job came back
      // (BullMQ's stalled-job check): announced again, so that the monitors learn it. Sockets keep the
      // newest version, so a repeat changes nothing; no second notification.
      this.logger.debug(`Run ${runId} came back ${stored.status}; announced again`);
      this.store.announce(stored);
      return null;
    }
    if (stored && (stored.status === 'running' || stored.status === 'cancelling')) {
      stored = await this.redelivered(stored);
    }
    if (!stored || stored.status !== 'queued') return null;
    return this.store.claim(stored.id, now());
  }

  /**
   * The queue handed over a run that is still "running": the worker executing it died (BullMQ's
   * stalled-job check). It runs again when its task allows retries; otherwise it ends failed. A
   * scheduler carries on with the subtasks that are left.
   */
  private async redelivered(run: RunEntity): Promise<RunEntity | null> {
    const finishedAt = now();
    if (run.status === 'cancelling') {
      // Cancelled by its user before its worker died: it is cancelled, and so is every subtask left.
      await this.storage.remove(run.id); // the dead worker's partial file
      if (run.scheduler) {
        const children = await this.repository.findChildren(run.id);
        for (const child of children) {
          if (child.status === 'running' || child.status === 'cancelling') await this.interrupt(child, false, true);
          // Announced again: its worker may have died before it announced this subtask.
          else if (isFinalStatus(child.status)) this.store.announce(child);
        }
        await this.store.cancelQueuedChildren(run.id, finishedAt);
        const counts = await this.counts(run.id, children.length);
        await this.store.change(run.id, { scheduler: { ...counts, current: null }, finishedAt }, 'cancelled');
      } else {
        await this.store.change(run.id, { finishedAt }, 'cancelled');
      }
      return null;
    }
    const retry = (run: RunEntity): boolean =>
      this.registry.get(run.task)?.options.retryOnCrash === true && run.attempts < 3;
    if (run.scheduler) {
      for (const child of await this.repository.findChildren(run.id)) {
        if (child.status === 'running') await this.interrupt(child, retry(child));
        // A subtask cancelled alone, whose worker died before it stopped.
        else if (child.status === 'cancelling') await this.interrupt(child, false, true);
        // The dead worker may have stored a subtask's end without announcing it: announced again
        // (a socket ignores a version it holds).
        else if (isFinalStatus(child.status)) this.store.announce(child);
      }
    }
    const again = run.scheduler !== null || retry(run);
    return this.interrupt(run, again);
  }

  /**
   * Ends a run whose worker died: queued again (`again`), cancelled (`cancelled`: its user had asked
   * for that), or failed "Interrupted". Its partial result file goes either way.
   */
  private async interrupt(run: RunEntity, again: boolean, cancelled = false): Promise<RunEntity | null> {
    await this.storage.remove(run.id);
    if (again) {
      this.logger.warn(`Run ${run.id} was interrupted by a stopped worker; running it again`);
      return this.store.change(run.id, { progressMessage: 'Resumed after a worker stopped' }, 'queued');
    }
    if (cancelled) {
      await this.store.change(run.id, { finishedAt: now() }, 'cancelled');
      return null;
    }
    await this.store.change(
      run.id,
      { errorMessage: 'Interrupted: the worker executing it stopped', errorDetails: null, finishedAt: now() },
      'failed',
    );
    return null;
  }

  private async executeSingle(
    run: RunEntity,
    signal: AbortSignal,
    onProgress: ((progress: RunProgress) => Promise<void>) | null,
  ): Promise<Outcome> {
    const task = this.registry.get(run.task);
    if (!task) return this.finish(run, 'failed', { error: `The task "${run.task}" is no longer installed` });
    const reporter = new ProgressReporter(PROGRESS_INTERVAL_MS, async (progress) => {
      const stored = await this.store.change(run.id, {
        progressPercent: progress.percent,
        progressMessage: progress.message,
      });
      this.stopIfCancelled(run.id, stored);
      await onProgress?.(progress);
    });
    const output: { file: { fileName: string; contentType: string; path: string; stream: Writable } | null } = {
      file: null,
    };
    const pendingFile: Promise<unknown>[] = [];
    // Fires when the result file cannot be written (a full disk): the handler has no reason to go on.
    const { controller: taskAbort, unlink } = linkedController(signal);
    const ctx: TaskContext = {
      runId: run.id,
      parameters: run.parameters,
      signal: taskAbort.signal,
      logger: new Logger(`task:${run.task}`),
      progress: (percent, message) => reporter.report(percent, message ?? null),
      openResultFile: (fileName, contentType) => {
        if (output.file) throw new Error('A run can write one result file only');
        // Handlers get a stream at once; the file behind it opens asynchronously.
        const stream = new PassThrough();
        const current = { fileName, contentType, path: '', stream };
        output.file = current;
        const written = this.storage.create(run.id, fileName).then(({ path, stream: out }) => {
          current.path = path;
          // pipeline, not pipe: a handler that destroys its stream (cancel, error) ends the file too.
          return pipeline(stream, out);
        });
        // Observed at once: a cancel fails the file while the handler may still be unwinding, and an
        // unobserved rejection ends the whole worker process. It is still awaited (and judged) below.
        written.catch((error: unknown) => {
          const failure = storageFailure(error);
          if (failure) taskAbort.abort(failure);
        });
        pendingFile.push(written);
        return stream;
      },
    };
    try {
      const value = await task.handler.run(ctx);
      const written = output.file;
      if (written) {
        if (!written.stream.writableEnded) written.stream.end();
        await Promise.all(pendingFile);
      }
      await reporter.close();
      if (signal.aborted) return this.finishAborted(run, signal);
      const result: RunResult = written
        ? {
            type: 'file',
            fileName: written.fileName,
            contentType: written.contentType,
            size: await this.storage.size(written.path),
          }
        : { type: 'value', value: value === undefined ? null : value };
      return this.finish(run, 'completed', { result });
    } catch (error) {
      await reporter.close();
      output.file?.stream.destroy();
      const settled = await Promise.allSettled(pendingFile);
      if (signal.aborted) return this.finishAborted(run, signal);
      await this.storage.remove(run.id); // a partial file is no result
      // The file's own error explains a handler that failed because its stream did (a full disk).
      const fileErrors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      const failure =
        storageFailure(...fileErrors, error, taskAbort.signal.reason) ??
        (error instanceof Error ? error : new Error(String(error)));
      // A TaskFailure's details are the task's words for the user; any other error's stack stays in the log.
      let details: string | null;
      if (failure instanceof ResultWriteFailure) {
        details = failure.details;
        this.logger.error(`Run ${run.id} (${run.task}) failed: its result file could not be written (${failure.code})`);
      } else if (failure instanceof TaskFailure) {
        details = failure.details;
        this.logger.warn(`Run ${run.id} (${run.task}) failed: ${failure.message}`);
      } else {
        const reference = errorReference();
        details = `An unexpected error; quote reference ${reference} to the administrator.`;
        this.logger.warn(
          `Run ${run.id} (${run.task}) failed [reference ${reference}]: ${failure.stack ?? failure.message}`,
        );
      }
      return this.finish(run, 'failed', { error: failure.message || 'The task failed', details });
    } finally {
      unlink();
    }
  }

  /** A user's cancel ends the run `cancelled`; a shutdown hands it back to the queue. */
  private async finishAborted(run: RunEntity, signal: AbortSignal): Promise<Outcome> {
    await this.storage.remove(run.id);
    if (signal.reason instanceof CancelledByUser) return this.finish(run, 'cancelled', {});
    return this.finish(run, 'requeued', {});
  }

  private async finish(
    run: RunEntity,
    outcome: Outcome,
    end: { result?: RunResult; error?: string; details?: string | null },
  ): Promise<Outcome> {
    const finishedAt = now();
    switch (outcome) {
      case 'completed': {
        const done = await this.store.change(
          run.id,
          { result: end.result ?? null, progressPercent: 100, finishedAt },
          'completed',
        );
        if (done) return 'completed';
        // Cancelled while the handler was finishing: the user's cancel wins.
        await this.storage.remove(run.id);
        return (await this.store.change(run.id, { finishedAt }, 'cancelled')) ? 'cancelled' : 'failed';
      }
      case 'failed': {
        // Only from running: a run cancelled while its handler was failing (the abort still on its way
        // to this process) ends cancelled, as its user asked.
        const done = await this.store.change(
          run.id,
          { errorMessage: end.error ?? 'The task failed', errorDetails: end.details ?? null, finishedAt },
          'failed',
          ['running'],
        );
        if (done) return 'failed';
        return (await this.store.change(run.id, { finishedAt }, 'cancelled', ['cancelling'])) ? 'cancelled' : 'failed';
      }
      case 'cancelled':
        await this.store.change(run.id, { finishedAt }, 'cancelled');
        return 'cancelled';
      case 'requeued': {
        const stored = await this.repository.findById(run.id);
        if (stored?.status === 'cancelling') {
          await this.store.change(run.id, { finishedAt }, 'cancelled');
          return 'cancelled';
        }
        await this.store.change(run.id, { progressPercent: null, progressMessage: 'Waiting to resume' }, 'queued');
        return 'requeued';
      }
    }
  }

  private async executeScheduler(parent: RunEntity, signal: AbortSignal): Promise<Outcome> {
    const children = await this.repository.findChildren(parent.id);
    const total = children.length;
    for (const [index, listed] of children.entries()) {
      if (signal.aborted) break;
      const child = await this.repository.findById(listed.id);
      if (!child || child.status !== 'queued') continue; // cancelled alone, or finished before a restart
      const { controller, unlink } = linkedController(signal);
      this.active.set(child.id, controller);
      try {
        const started = await this.store.change(
          child.id,
          { startedAt: now(), attempts: child.attempts + 1 },
          'running',
        );
        if (!started) continue;
        const counts = await this.counts(parent.id, total);
        const current = { id: child.id, title: child.title, display: child.display };
        const position = index + 1;
        const updateParent = async (progress: RunProgress): Promise<void> => {
          const stored = await this.store.change(parent.id, {
            progressPercent: schedulerPercent(total, index, progress.percent),
            // The label holds the row's display values, up to 1000 characters each.
            progressMessage: schedulerMessage(position, total, label(child)).slice(0, PROGRESS_MESSAGE_MAX),
            scheduler: { ...counts, current: { ...current, progress } },
          });
          this.stopIfCancelled(parent.id, stored);
        };
        await updateParent({ percent: 0, message: null });
        const outcome = await this.executeSingle(started, controller.signal, async (p) => {
          await updateParent(p);
        });
        if (outcome === 'requeued') break;
      } finally {
        unlink();
        this.active.delete(child.id);
      }
      const counts = await this.counts(parent.id, total);
      await this.store.change(parent.id, {
        progressPercent: schedulerPercent(total, index + 1, null),
        scheduler: { ...counts, current: null },
      });
    }
    return this.finishScheduler(parent, children, signal);
  }

  private async counts(parentId: string, total: number): Promise<Omit<SchedulerState, 'current'>> {
    const children = await this.repository.findChildren(parentId);
    const count = (status: RunStatus): number => children.filter((c) => c.status === status).length;
    return { total, completed: count('completed'), failed: count('failed'), cancelled: count('cancelled') };
  }

  private async finishScheduler(parent: RunEntity, listed: RunEntity[], signal: AbortSignal): Promise<Outcome> {
    const finishedAt = now();
    if (signal.aborted && !(signal.reason instanceof CancelledByUser)) {
      // Shutdown: what is left runs after the next start.
      const stored = await this.repository.findById(parent.id);
      if (stored?.status === 'running') {
        await this.store.change(
          parent.id,
          { scheduler: { ...(await this.counts(parent.id, listed.length)), current: null } },
          'queued',
        );
        return 'requeued';
      }
    }
    if (signal.aborted) {
      await this.store.cancelQueuedChildren(parent.id, finishedAt);
      const counts = await this.counts(parent.id, listed.length);
      await this.store.change(parent.id, { scheduler: { ...counts, current: null }, finishedAt }, 'cancelled');
      return 'cancelled';
    }
    const children = await this.repository.findChildren(parent.id);
    const counts = await this.counts(parent.id, listed.length);
    const outcome = schedulerOutcome(counts);
    let result: RunResult;
    try {
      result = await this.combinedResult(parent, children);
    } catch (error) {
      await this.storage.remove(parent.id); // a partial zip is no result
      const failure = storageFailure(error);
      if (failure) this.logger.error(`Run ${parent.id} failed: its zip could not be written (${failure.code})`);
      await this.store.change(
        parent.id,
        {
          errorMessage: failure?.message ?? `Could not build the combined result: ${(error as Error).message}`,
          errorDetails: failure?.details ?? null,
          finishedAt,
        },
        'failed',
      );
      return 'failed';
    }
    const changes = {
      scheduler: { ...counts, current: null },
      progressPercent: 100,
      progressMessage: `${counts.completed} of ${counts.total} completed`,
      result,
      finishedAt,
      ...(outcome.status === 'failed'
        ? { errorMessage: outcome.message, errorDetails: this.errorsText(children) }
        : {}),
    };
    // Only from running: a scheduler cancelled while it was finishing ends cancelled.
    if (await this.store.change(parent.id, changes, outcome.status, ['running'])) return outcome.status;
    await this.storage.remove(parent.id);
    await this.store.change(parent.id, { finishedAt }, 'cancelled');
    return 'cancelled';
  }

  private errorsText(children: RunEntity[]): string | null {
    const failed = children.filter((c) => c.status === 'failed');
    if (failed.length === 0) return null;
    return failed
      .map((c) => {
        const params = Object.entries(c.parameters)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ');
        return `Row ${(c.position ?? 0) + 1} (${params}): ${c.errorMessage ?? 'failed'}`;
      })
      .join('\n');
  }

  /** A zip of the subtasks' files (with errors.txt), or a value listing their values. */
  private async combinedResult(parent: RunEntity, children: RunEntity[]): Promise<RunResult> {
    const files: ZipEntry[] = [];
    for (const child of children) {
      if (child.status === 'completed' && child.result?.type === 'file') {
        files.push({ path: this.storage.path(child.id, child.result.fileName), name: child.result.fileName });
      }
    }
    if (files.length === 0) {
      return {
        type: 'value',
        value: children.map((c) => ({
          row: (c.position ?? 0) + 1,
          display: c.display,
          status: c.status,
          value: c.result?.type === 'value' ? c.result.value : null,
          error: c.errorMessage,
        })),
      };
    }
    const fileName = `${parent.task}-${parent.id.slice(0, 8)}.zip`;
    const path = await this.storage.prepare(parent.id, fileName);
    const size = await writeZip(path, files, this.errorsText(children));
    return { type: 'file', fileName, contentType: 'application/zip', size };
  }
}
