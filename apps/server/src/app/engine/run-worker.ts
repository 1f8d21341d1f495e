import { EXECUTING_STATUSES } from '@onward/task-domain';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunQueue } from '../queue/run-queue.port';
import { RunsRepository } from '../persistence/runs.repository';
import { outlivesItsProcess } from './lifecycle';
import { Reconciler } from './reconciler';
import { Recovery } from './recovery';
import { RunExecutor } from './run-executor';

/** How often a worker in Redis mode makes sure every queued run has its job, and every running run its executor. */
const RECONCILE_MS = 5_000;

/**
 * Connects the engine to the queue in processes that execute work, and makes restarts lose nothing:
 * runs a dead process left running end as the lifecycle says; queued runs are queued again.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunWorker.name);
  private reconciler: NodeJS.Timeout | null = null;

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly queue: RunQueue,
    private readonly executor: RunExecutor,
    private readonly repository: RunsRepository,
    private readonly recovery: Recovery,
    private readonly reconcile: Reconciler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue.onAbort((runId) => this.executor.abortLocal(runId));
    if (this.config.role === 'api') return;
    if (this.config.redis) {
      this.reconciler = setInterval(() => void this.reconcile.reconcile(), RECONCILE_MS);
      await this.reconcile.enqueueQueued();
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

  /** Embedded mode: this process is the only one, so anything still active was interrupted. */
  private async recover(): Promise<void> {
    const active = await this.repository.findTopLevelByStatus([...EXECUTING_STATUSES]);
    const interrupted = active.filter((run) => !outlivesItsProcess(run));
    for (const run of interrupted) await this.recovery.interrupted(run, 'restart');
    const queued = await this.repository.findQueuedJobs();
    for (const job of queued) await this.queue.enqueue(job);
    if (interrupted.length + queued.length > 0) {
      this.logger.log(`Recovered after restart: ${interrupted.length} interrupted, ${queued.length} queued again`);
    }
  }
}
