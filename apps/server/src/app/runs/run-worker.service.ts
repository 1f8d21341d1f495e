import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunQueue } from '../queue/run-queue.port';
import { RunExecutor } from './run-executor.service';
import { RunStore } from './run-store.service';
import { RunsRepository } from './runs.repository';

/** How often a worker in Redis mode makes sure every queued run has its job, and every running run its executor. */
const RECONCILE_MS = 5_000;

/**
 * Connects the engine to the queue in processes that execute work, and makes restarts lose nothing:
 * runs a dead process left running end `failed` (interrupted) or run again; queued runs are queued again.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunWorker.name);

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly queue: RunQueue,
    private readonly executor: RunExecutor,
    private readonly repository: RunsRepository,
    private readonly store: RunStore,
  ) {}

  private reconciler: NodeJS.Timeout | null = null;
  /** A pass still running when the next tick comes is not overlapped. */
  private reconciling = false;
  /** Running runs without a job nor a live executor, by id, with when that was first seen. */
  private readonly orphans = new Map<string, number>();

  async onApplicationBootstrap(): Promise<void> {
    this.queue.onAbort((runId) => this.executor.abortLocal(runId));
    if (this.config.role === 'api') return;
    if (this.config.redis) {
      this.reconciler = setInterval(() => void this.reconcile(), RECONCILE_MS);
      await this.enqueueQueued();
    } else {
      await this.recover();
    }
    await this.queue.startProcessing((job, signal) => this.executor.execute(job, signal));
  }

  /**
   * Before Nest closes connections (BullMQ's included): no new work; running runs get
   * `ONWARD_SHUTDOWN_GRACE_MS` to finish, then they are handed back to the queue.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.reconciler) clearInterval(this.reconciler);
    this.reconciler = null;
    await this.queue.stop(this.config.shutdownGraceMs);
  }

  /** One pass of the Redis-mode reconciler (every `RECONCILE_MS` in worker processes). */
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
   * Redis mode: a run the database says is running, whose job is gone and whose slot lease nobody
   * renews for longer than a lock, lost its worker and its job at once (a worker killed while Redis
   * lost its data). Enqueued again, the engine treats it as redelivered: it runs again if its task
   * allows retries, otherwise it ends failed (interrupted); a `cancelling` one ends cancelled.
   */
  private async adoptOrphans(): Promise<void> {
    const lockMs = this.config.redis?.lockDurationMs ?? 0;
    try {
      const active = await this.repository.findTopLevelByStatus(['running', 'cancelling']);
      const seen = new Set<string>();
      for (const run of active) {
        const job = { runId: run.id, ownerId: run.ownerId };
        if (await this.queue.holds(job)) continue;
        seen.add(run.id);
        const since = this.orphans.get(run.id) ?? Date.now();
        this.orphans.set(run.id, since);
        if (Date.now() - since > lockMs * 1.5) {
          this.logger.warn(`Run ${run.id} is ${run.status} but no worker holds it; handing it back to the queue`);
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
   * Redis mode: the database is the record. Runs stored while Redis was away (or whose job was lost
   * with a Redis restart) are queued in the database only: those without a job are enqueued. A run
   * whose job finished between reading the queued runs and looking for their jobs is queued no more,
   * so those are read again first; enqueueing it would only execute it twice (the second time finding
   * it finished). Cheap with a backlog: one read of ids, one Redis round trip per 1,000 runs.
   */
  private async enqueueQueued(): Promise<void> {
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

  /** Embedded mode: this process is the only one, so anything still active was interrupted. */
  private async recover(): Promise<void> {
    const finishedAt = new Date().toISOString();
    const interrupted = await this.repository.findByStatus(['running', 'cancelling']);
    for (const run of interrupted) {
      if (run.status === 'cancelling') await this.store.change(run.id, { finishedAt }, 'cancelled');
      else {
        await this.store.change(
          run.id,
          { errorMessage: 'Interrupted by a server restart', errorDetails: null, finishedAt },
          'failed',
        );
      }
      if (run.scheduler) await this.store.cancelQueuedChildren(run.id, finishedAt);
    }
    const queued = await this.repository.findQueuedJobs();
    for (const job of queued) await this.queue.enqueue(job);
    if (interrupted.length + queued.length > 0) {
      this.logger.log(`Recovered after restart: ${interrupted.length} interrupted, ${queued.length} queued again`);
    }
  }
}
