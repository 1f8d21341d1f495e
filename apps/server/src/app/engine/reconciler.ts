import { EXECUTING_STATUSES } from '@onward/task-domain';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunQueue } from '../queue/run-queue.port';
import { outlivesItsProcess } from './lifecycle';
import { runLine } from './run-log';
import { RunsRepository } from '../persistence/runs.repository';

/**
 * Redis mode, in worker processes: the database is the record, and every few seconds the queue is made
 * to agree with it. Queued runs without a job are enqueued; running runs that no worker holds are
 * handed back to the queue, where the engine treats them as redelivered.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('RunWorker');
  /** A pass still running when the next tick comes is not overlapped. */
  private reconciling = false;
  /** Running runs without a job nor a live executor, by id, with when that was first seen. */
  private readonly orphans = new Map<string, number>();

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly queue: RunQueue,
    private readonly repository: RunsRepository,
  ) {}

  /** One pass of the reconciler. */
  async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      await this.enqueueQueued();
      await this.adoptOrphans();
    } finally {
      this.reconciling = false;
    }
  }

  /**
   * A run the database says is running, whose job is gone and whose slot lease nobody renews for
   * longer than a lock, lost its worker and its job at once (a worker killed while Redis lost its
   * data). Enqueued again, the engine treats it as redelivered: it runs again if its task allows
   * retries, otherwise it ends failed (interrupted); a `cancelling` one ends cancelled.
   */
  private async adoptOrphans(): Promise<void> {
    const lockMs = this.config.redis?.lockDurationMs ?? 0;
    try {
      const active = await this.repository.findTopLevelByStatus([...EXECUTING_STATUSES]);
      const seen = new Set<string>();
      for (const run of active) {
        if (outlivesItsProcess(run)) continue;
        const job = { runId: run.id, ownerId: run.ownerId };
        if (await this.queue.holds(job)) continue;
        seen.add(run.id);
        const since = this.orphans.get(run.id) ?? Date.now();
        this.orphans.set(run.id, since);
        if (Date.now() - since > lockMs * 1.5) {
          this.logger.warn(
            runLine(run, `Run ${run.id} is ${run.status} but no worker holds it; handing it back to the queue`),
          );
          await this.queue.enqueue(job);
          this.orphans.delete(run.id);
        }
      }
      for (const id of this.orphans.keys()) if (!seen.has(id)) this.orphans.delete(id);
    } catch (error) {
      this.logger.warn(`Could not check running runs: ${(error as Error).message}`);
    }
  }

  /**
   * Runs stored while Redis was away (or whose job was lost with a Redis restart) are queued in the
   * database only: those without a job are enqueued. A run whose job finished between reading the
   * queued runs and looking for their jobs is queued no more, so those are read again first;
   * enqueueing it would only execute it twice (the second time finding it finished). Cheap with a
   * backlog: one read of ids, one Redis round trip per 1,000 runs.
   */
  async enqueueQueued(): Promise<void> {
    try {
      const missing = await this.queue.missing(await this.repository.findQueuedJobs());
      if (missing.length === 0) return;
      const still = await this.repository.findQueuedJobs(missing.map((job) => job.runId));
      for (const job of still) await this.queue.enqueue(job);
      this.logger.log(`Enqueued ${still.length} queued runs that had no job`);
    } catch (error) {
      this.logger.warn(`Could not re-enqueue queued runs: ${(error as Error).message}`);
    }
  }
}
