import { Injectable, Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { isFinalStatus, type RunStatus } from '@onward/task-domain';

import { carriedContext, inSpan, runAttributes, SpanKind } from '../common/tracing';
import type { RunJob } from '../queue/run-queue.port';
import type { RunEntity } from '../persistence/run.entity';
import { RunsRepository } from '../persistence/runs.repository';
import { ActiveRuns } from './active-runs';
import { Recovery } from './recovery';
import { runLine } from './run-log';
import { RunRecorder } from './run-recorder';
import { Scheduler } from './scheduler';
import { TaskRunner } from './task-runner';

/** How long a finished run's job waits for Redis to take the run's last update. */
const ANNOUNCE_WAIT_MS = 10_000;

const now = (): string => new Date().toISOString();

/**
 * The run engine's entry: executes one job of the queue. Claim → its handler (or a scheduler's
 * chain) → its end, as the lifecycle says. Written once, above the queue port; drivers call `execute`.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);

  constructor(
    private readonly repository: RunsRepository,
    private readonly recorder: RunRecorder,
    private readonly active: ActiveRuns,
    private readonly runner: TaskRunner,
    private readonly scheduler: Scheduler,
    private readonly recovery: Recovery,
  ) {}

  /** Stops `runId` if it executes in this process (called for cancels and deletes). */
  abortLocal(runId: string): void {
    this.active.abort(runId);
  }

  /**
   * Executes a queued run; `signal` fires when the process stops taking work. Resolves with the
   * status the run was left in (`queued`: handed back unfinished, to execute again later, elsewhere
   * if possible), or null when there was nothing to execute.
   */
  execute(job: RunJob, signal: AbortSignal): Promise<RunStatus | null> {
    // In the trace of the request that started the run, carried with the job.
    return inSpan('run.execute', { 'onward.run_id': job.runId }, (span) => this.executeIn(job, signal, span), {
      kind: SpanKind.CONSUMER,
      parent: carriedContext(job.trace),
    });
  }

  private async executeIn(job: RunJob, signal: AbortSignal, span: Span): Promise<RunStatus | null> {
    const run = this.active.register(job.runId, signal);
    let claimed: RunEntity | null = null;
    try {
      claimed = await inSpan('run.claim', { 'onward.run_id': job.runId }, () => this.claim(job.runId));
      if (!claimed) return null;
      span.setAttributes(runAttributes(claimed));
      this.logger.debug(
        runLine(
          claimed,
          `Run ${claimed.id} (${claimed.task}) of ${claimed.ownerUsername} started in process ${process.pid}`,
        ),
      );
      const ended = claimed.scheduler
        ? await this.scheduler.run(claimed, run.signal)
        : await this.runner.run(claimed, run.signal);
      this.logger.debug(runLine(claimed, `Run ${claimed.id} (${claimed.task}) ended ${ended?.status ?? 'deleted'}`));
      return ended?.status ?? null;
    } catch (error) {
      // The engine itself failed (a handler's failure ends its run instead), say the database refused
      // the claim or the end: the queue driver delivers the job again or drops it. Logged here, where
      // the run is known; before its claim, by the job's fields alone.
      const text = `Run ${job.runId} crashed the engine: ${(error as Error).stack ?? String(error)}`;
      this.logger.error(claimed ? runLine(claimed, text) : { runId: job.runId, userId: job.ownerId, msg: text });
      throw error;
    } finally {
      run.release();
      // The queue finishes the job once this returns. Before that, Redis must have the run's last
      // update: a worker killed in between would otherwise leave every monitor showing the run
      // unfinished, while a job left unfinished is handed to another worker, which announces the
      // stored run again.
      await this.recorder.announced(ANNOUNCE_WAIT_MS);
    }
  }

  /**
   * The common case in one statement: the run is still queued. Otherwise it was cancelled or deleted
   * while waiting, or it comes back after its worker died; recovery decides whether it runs again.
   */
  private async claim(runId: string): Promise<RunEntity | null> {
    const claimed = await this.recorder.claim(runId, now());
    if (claimed) return claimed;
    const stored = await this.repository.findById(runId);
    if (!stored) return null;
    if (isFinalStatus(stored.status)) {
      // Its worker may have died between storing the end and announcing it, and the job came back
      // (BullMQ's stalled-job check): announced again, so that the monitors learn it. Sockets keep the
      // newest version, so a repeat changes nothing; no second notification.
      this.logger.debug(runLine(stored, `Run ${runId} came back ${stored.status}; announced again`));
      this.recorder.announce(stored);
      return null;
    }
    // Queued again meanwhile (handed back by a worker that stopped), or back from a dead worker.
    const queued = stored.status === 'queued' ? stored : await this.recovery.interrupted(stored, 'worker');
    return queued ? this.recorder.claim(queued.id, now()) : null;
  }
}
