import { Injectable, Logger } from '@nestjs/common';
import {
  type RunProgress,
  type RunStatus,
  schedulerMessage,
  schedulerOutcome,
  schedulerPercent,
  type SchedulerState,
} from '@onward/task-domain';

import { inSpan, runAttributes } from '../common/tracing';
import { ResultStorage } from '../results/result-storage.service';
import { storageFailure } from '../results/storage-failure';
import type { RunEntity } from '../persistence/run.entity';
import type { RunChanges } from '../persistence/run-writer';
import { RunsRepository } from '../persistence/runs.repository';
import { ActiveRuns, CancelledByUser } from './active-runs';
import { CombinedResult } from './combined-result';
import type { LifecycleEvent } from './lifecycle';
import { ProgressReporter } from './progress-reporter';
import { RunRecorder } from './run-recorder';
import { SchedulerTally } from './scheduler-tally';
import { PROGRESS_INTERVAL_MS, TaskRunner } from './task-runner';
import { runLine } from './run-log';

const now = (): string => new Date().toISOString();

/** "Globex 2024": the display values of a run, for scheduler messages. */
const label = (run: RunEntity): string => Object.values(run.display).join(' ');

/**
 * Executes a scheduler: its subtasks one after another (to spare the database), then its combined
 * result. The subtasks are read once; counts are kept in memory and the parent's progress is written
 * through the same throttle as a single run's, so each row costs the same at 10 rows as at 10,000.
 */
@Injectable()
export class Scheduler {
  private readonly logger = new Logger(Scheduler.name);

  constructor(
    private readonly repository: RunsRepository,
    private readonly recorder: RunRecorder,
    private readonly runner: TaskRunner,
    private readonly active: ActiveRuns,
    private readonly combined: CombinedResult,
    private readonly storage: ResultStorage,
  ) {}

  /** Runs `parent` (claimed: `running`) to its end; returns the stored parent as it ended. */
  async run(parent: RunEntity, signal: AbortSignal): Promise<RunEntity | null> {
    const tally = SchedulerTally.fromCounts(await this.repository.countChildrenByStatus(parent.id));
    let current: SchedulerState['current'] = null;
    const reporter = new ProgressReporter(PROGRESS_INTERVAL_MS, async (progress) => {
      const stored = await this.recorder.change(parent.id, {
        progressPercent: progress.percent,
        progressMessage: progress.message,
        scheduler: tally.state(current),
      });
      this.active.stopIfCancelled(parent.id, stored);
    });
    let handedBack = false;
    // A page of subtasks at a time, in row order: memory does not grow with the selection.
    chain: for await (const page of this.repository.childrenPages(parent.id)) {
      for (const child of page) {
        if (signal.aborted) break chain;
        if (child.status !== 'queued') continue; // finished before a restart, counted already
        const ended = await inSpan('run.subtask', runAttributes(child), () =>
          this.runSubtask(child, tally, signal, reporter, (shown) => (current = shown)),
        );
        if (ended === 'queued') {
          handedBack = true;
          break chain;
        }
      }
    }
    // The final write carries the state: a progress write still waiting would only come after it.
    await reporter.close();
    if (handedBack || (signal.aborted && !(signal.reason instanceof CancelledByUser))) {
      return this.end(parent, 'handed-back', tally, {});
    }
    if (signal.aborted) return this.end(parent, 'stopped', tally, {});
    return this.finish(parent, tally);
  }

  /** Claims and runs one queued subtask; counts how it ended, and returns that status. */
  private async runSubtask(
    child: RunEntity,
    tally: SchedulerTally,
    signal: AbortSignal,
    reporter: ProgressReporter,
    setCurrent: (current: SchedulerState['current']) => void,
  ): Promise<RunStatus | undefined> {
    const subtask = this.active.register(child.id, signal);
    try {
      const started = await this.recorder.claim(child.id, now());
      if (!started) {
        // Cancelled alone since its page was read: counted as it is now.
        const status = (await this.repository.findById(child.id))?.status;
        tally.add(status);
        return status;
      }
      const message = schedulerMessage((child.position ?? 0) + 1, tally.total, label(child), child.locale);
      const show = (progress: RunProgress): Promise<void> => {
        setCurrent({ id: child.id, title: child.title, display: child.display, progress });
        return reporter.reportNow(schedulerPercent(tally.total, tally.finished, progress.percent), message);
      };
      await show({ percent: 0, message: null });
      const ended = await this.runner.run(started, subtask.signal, show);
      if (ended?.status === 'queued') return 'queued';
      tally.add(ended?.status ?? 'cancelled');
      setCurrent(null);
      reporter.report(schedulerPercent(tally.total, tally.finished, null), message);
      return ended?.status;
    } finally {
      subtask.release();
    }
  }

  /** Every subtask ran: the combined result, and completed or failed as the subtasks did. */
  private async finish(parent: RunEntity, tally: SchedulerTally): Promise<RunEntity | null> {
    const outcome = schedulerOutcome(tally);
    let changes: RunChanges;
    try {
      const { result, failedRows } = await this.combined.build(parent);
      changes = {
        progressPercent: 100,
        progressMessage: `${tally.completed} of ${tally.total} completed`,
        result,
        ...(outcome.status === 'failed' ? { errorMessage: outcome.message, errorDetails: failedRows } : {}),
      };
    } catch (error) {
      await this.storage.remove(parent.id); // a partial zip is no result
      const failure = storageFailure(error);
      if (failure)
        this.logger.error(runLine(parent, `Run ${parent.id} failed: its zip could not be written (${failure.code})`));
      const message = failure?.message ?? `Could not build the combined result: ${(error as Error).message}`;
      return this.end(parent, 'failed', tally, { errorMessage: message, errorDetails: failure?.details ?? null });
    }
    const event: LifecycleEvent = outcome.status === 'failed' ? 'failed' : 'succeeded';
    const stored = await this.end(parent, event, tally, changes);
    if (stored?.status !== 'completed' && stored?.status !== 'failed') await this.storage.remove(parent.id);
    return stored;
  }

  /**
   * Records the scheduler's end as the lifecycle says for `event`. Ending cancelled (its user's
   * cancel won) takes the subtasks still queued with it; handed back, it keeps its counts and goes on
   * from the first unfinished subtask after the next start.
   */
  private end(
    parent: RunEntity,
    event: LifecycleEvent,
    tally: SchedulerTally,
    changes: RunChanges,
  ): Promise<RunEntity | null> {
    const finishedAt = now();
    return inSpan('run.record_end', runAttributes(parent), () =>
      this.recorder.apply(
        parent.id,
        event,
        async (to) => {
          if (to === 'queued') return { scheduler: tally.state() };
          if (to === 'cancelled') {
            for (const child of await this.recorder.cancelQueuedChildren(parent.id, finishedAt))
              tally.add(child.status);
            return { scheduler: tally.state(), finishedAt };
          }
          return { ...changes, scheduler: tally.state(), finishedAt };
        },
        'running',
      ),
    );
  }
}
