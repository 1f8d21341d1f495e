import { Injectable, Logger } from '@nestjs/common';
import {
  type RunProgress,
  type RunStatus,
  schedulerMessage,
  schedulerOutcome,
  schedulerPercent,
  type SchedulerState,
} from '@onward/task-domain';

import { ResultStorage } from '../results/result-storage.service';
import { storageFailure } from '../results/storage-failure';
import type { RunEntity } from '../persistence/run.entity';
import type { RunChanges } from '../persistence/runs.repository';
import { RunsRepository } from '../persistence/runs.repository';
import { ActiveRuns, CancelledByUser } from './active-runs';
import { CombinedResult, failedRowsText } from './combined-result';
import type { LifecycleEvent } from './lifecycle';
import { ProgressReporter } from './progress-reporter';
import { RunRecorder } from './run-recorder';
import { PROGRESS_INTERVAL_MS, TaskRunner } from './task-runner';

const now = (): string => new Date().toISOString();

/** A scheduler's subtask counts, kept as the chain goes: never re-read from the database per subtask. */
export class SchedulerTally {
  completed = 0;
  failed = 0;
  cancelled = 0;

  constructor(readonly total: number) {}

  static of(children: Pick<RunEntity, 'status'>[]): SchedulerTally {
    const tally = new SchedulerTally(children.length);
    for (const child of children) tally.add(child.status);
    return tally;
  }

  /** Counts a subtask that reached `status` (other statuses count nothing). */
  add(status: RunStatus | undefined): void {
    if (status === 'completed' || status === 'failed' || status === 'cancelled') this[status] += 1;
  }

  get finished(): number {
    return this.completed + this.failed + this.cancelled;
  }

  state(current: SchedulerState['current'] = null): SchedulerState {
    const { total, completed, failed, cancelled } = this;
    return { total, completed, failed, cancelled, current };
  }
}

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
    const children = await this.repository.findChildren(parent.id);
    const tally = SchedulerTally.of(children);
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
    for (const [index, child] of children.entries()) {
      if (signal.aborted) break;
      if (child.status !== 'queued') continue; // finished before a restart
      const subtask = this.active.register(child.id, signal);
      try {
        const started = await this.recorder.claim(child.id, now());
        if (!started) {
          // Cancelled alone since the list was read: counted as it is now.
          tally.add((await this.repository.findById(child.id))?.status);
          continue;
        }
        const position = index + 1;
        const message = schedulerMessage(position, tally.total, label(child));
        const show = (progress: RunProgress): Promise<void> => {
          current = { id: child.id, title: child.title, display: child.display, progress };
          return reporter.reportNow(schedulerPercent(tally.total, tally.finished, progress.percent), message);
        };
        await show({ percent: 0, message: null });
        const ended = await this.runner.run(started, subtask.signal, show);
        if (ended?.status === 'queued') {
          handedBack = true;
          break;
        }
        tally.add(ended?.status ?? 'cancelled');
        current = null;
        reporter.report(schedulerPercent(tally.total, tally.finished, null), message);
      } finally {
        subtask.release();
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

  /** Every subtask ran: the combined result, and completed or failed as the subtasks did. */
  private async finish(parent: RunEntity, tally: SchedulerTally): Promise<RunEntity | null> {
    const children = await this.repository.findChildren(parent.id);
    const outcome = schedulerOutcome(tally);
    let changes: RunChanges;
    try {
      const result = await this.combined.build(parent, children);
      changes = {
        progressPercent: 100,
        progressMessage: `${tally.completed} of ${tally.total} completed`,
        result,
        ...(outcome.status === 'failed'
          ? { errorMessage: outcome.message, errorDetails: failedRowsText(children) }
          : {}),
      };
    } catch (error) {
      await this.storage.remove(parent.id); // a partial zip is no result
      const failure = storageFailure(error);
      if (failure) this.logger.error(`Run ${parent.id} failed: its zip could not be written (${failure.code})`);
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
    return this.recorder.apply(
      parent.id,
      event,
      async (to) => {
        if (to === 'queued') return { scheduler: tally.state() };
        if (to === 'cancelled') {
          for (const child of await this.recorder.cancelQueuedChildren(parent.id, finishedAt)) tally.add(child.status);
          return { scheduler: tally.state(), finishedAt };
        }
        return { ...changes, scheduler: tally.state(), finishedAt };
      },
      'running',
    );
  }
}
