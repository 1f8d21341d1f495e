import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunQueue } from '../queue/run-queue.port';
import { RunExecutor } from './run-executor.service';
import { RunStore } from './run-store.service';
import { RunsRepository } from './runs.repository';

/** How long a stopping process lets running handlers react to the abort. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How often a worker in Redis mode makes sure every queued run has its job. */
const RECONCILE_MS = 5_000;

/**
 * Connects the engine to the queue in processes that execute work, and makes restarts lose nothing:
 * runs a dead process left running end `failed` (interrupted); queued runs are queued again.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunWorker.name);

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly queue: RunQueue,
    private readonly executor: RunExecutor,
    private readonly repository: RunsRepository,
    private readonly store: RunStore,
  ) {}

  private reconciler: NodeJS.Timeout | null = null;

  async onApplicationBootstrap(): Promise<void> {
    this.queue.onAbort((runId) => this.executor.abortLocal(runId));
    if (this.config.role === 'api') return;
    if (this.config.redis) {
      this.reconciler = setInterval(() => void this.enqueueQueued(), RECONCILE_MS);
      await this.enqueueQueued();
    } else {
      await this.recover();
    }
    await this.queue.startProcessing((job, signal) => this.executor.execute(job, signal));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.reconciler) clearInterval(this.reconciler);
    await this.queue.stop(SHUTDOWN_GRACE_MS);
  }

  /**
   * Redis mode: the database is the record. Runs stored while Redis was away (or whose job was lost
   * with a Redis restart) are queued in the database only; enqueueing again is a no-op for the others.
   */
  private async enqueueQueued(): Promise<void> {
    try {
      const queued = await this.repository.findTopLevelByStatus(['queued']);
      for (const run of queued) await this.queue.enqueue({ runId: run.id, ownerId: run.ownerId });
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
      if (run.scheduler) {
        await this.repository.cancelPendingChildren(run.id, finishedAt);
      }
    }
    const queued = await this.repository.findTopLevelByStatus(['queued']);
    for (const run of queued) await this.queue.enqueue({ runId: run.id, ownerId: run.ownerId });
    if (interrupted.length + queued.length > 0) {
      this.logger.log(`Recovered after restart: ${interrupted.length} interrupted, ${queued.length} queued again`);
    }
  }
}
