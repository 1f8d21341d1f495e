import { Injectable, Logger } from '@nestjs/common';
import { isFinalStatus, type RunStatus } from '@onward/task-domain';

import { ResultStorage } from '../results/result-storage.service';
import type { RunEntity } from '../persistence/run.entity';
import type { RunChanges } from '../persistence/run-writer';
import { RunsRepository } from '../persistence/runs.repository';
import { TaskRegistry } from '../tasks/task-registry.service';
import { type LifecycleEvent, workerDied } from './lifecycle';
import { RunRecorder } from './run-recorder';
import { SchedulerTally } from './scheduler-tally';
import { runLine } from './run-log';

/** What stopped a run's worker: it died and the queue handed the run over again, or the server restarted. */
export type Interruption = 'worker' | 'restart';

const MESSAGES: Record<Interruption, string> = {
  worker: 'Interrupted: the worker executing it stopped',
  restart: 'Interrupted by a server restart',
};

const now = (): string => new Date().toISOString();

/**
 * Ends what a dead worker left: a run still `running` runs again when its task allows retries (a
 * scheduler carries on with the subtasks that are left), otherwise it ends failed "Interrupted"; a run
 * its user had cancelled (`cancelling`) ends cancelled and never runs again, as the lifecycle says.
 */
@Injectable()
export class Recovery {
  private readonly logger = new Logger(Recovery.name);

  constructor(
    private readonly repository: RunsRepository,
    private readonly recorder: RunRecorder,
    private readonly registry: TaskRegistry,
    private readonly storage: ResultStorage,
  ) {}

  /** Ends an interrupted top-level run and its subtasks; returns it when it is queued to run again. */
  async interrupted(run: RunEntity, cause: Interruption): Promise<RunEntity | null> {
    if (!run.scheduler) {
      const stored = await this.end(run, this.deathOf(run, cause), cause);
      return stored?.status === 'queued' ? stored : null;
    }
    const cancelled = run.status === 'cancelling';
    for await (const page of this.repository.childrenPages(run.id)) {
      for (const child of page) {
        if (child.status === 'running' && cancelled) {
          // Its scheduler was cancelled: the subtask goes with it, through cancelling, never run again.
          await this.recorder.change(child.id, {}, 'cancelling', ['running']);
          await this.end(child, 'worker-died', cause, 'cancelling');
        } else if (child.status === 'running' || child.status === 'cancelling') {
          await this.end(child, this.deathOf(child, cause), cause, child.status);
        } else if (isFinalStatus(child.status)) {
          // The dead worker may have stored a subtask's end without announcing it: announced again
          // (a socket ignores a version it holds).
          this.recorder.announce(child);
        }
      }
    }
    // A scheduler resumes after a dead worker (what ran stays done); a restart ends it.
    const event: LifecycleEvent = cause === 'worker' ? 'worker-died-retry' : 'worker-died';
    const stored = await this.recorder.apply(
      run.id,
      event,
      async (to) => {
        const tally = SchedulerTally.fromCounts(await this.repository.countChildrenByStatus(run.id));
        if (to === 'queued') return { scheduler: tally.state(), progressMessage: 'Resumed after a worker stopped' };
        const finishedAt = now();
        for (const child of await this.recorder.cancelQueuedChildren(run.id, finishedAt)) tally.add(child.status);
        const changes: RunChanges = { scheduler: tally.state(), finishedAt };
        return to === 'failed' ? { ...changes, errorMessage: MESSAGES[cause], errorDetails: null } : changes;
      },
      run.status,
    );
    return stored?.status === 'queued' ? stored : null;
  }

  /** The event a dead worker means for `run`: another try only for a worker's death, when its task allows. */
  private deathOf(run: RunEntity, cause: Interruption): LifecycleEvent {
    const retry = cause === 'worker' && this.registry.get(run.task)?.options.retryOnCrash === true;
    return workerDied(retry, run.attempts);
  }

  /** Ends one interrupted run (its partial result file goes either way). */
  private async end(
    run: RunEntity,
    event: LifecycleEvent,
    cause: Interruption,
    expected: RunStatus = run.status,
  ): Promise<RunEntity | null> {
    await this.storage.remove(run.id);
    const stored = await this.recorder.apply(
      run.id,
      event,
      (to): RunChanges => {
        if (to === 'queued') return { progressMessage: 'Resumed after a worker stopped' };
        if (to === 'failed') return { errorMessage: MESSAGES[cause], errorDetails: null, finishedAt: now() };
        return { finishedAt: now() };
      },
      expected,
    );
    if (stored?.status === 'queued')
      this.logger.warn(runLine(run, `Run ${run.id} was interrupted by a stopped worker; running it again`));
    return stored;
  }
}
