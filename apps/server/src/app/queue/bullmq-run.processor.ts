import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';

import type { RunJob } from './run-queue.port';

/** The BullMQ queue that carries runs. */
export const RUNS_QUEUE = 'onward-runs';

export type RunJobHandler = (job: Job<RunJob>, token: string | undefined) => Promise<void>;

/**
 * The BullMQ worker host of runs, registered by `@nestjs/bullmq` in processes with the worker role.
 * Its worker is created with `autorun: false` and started by the queue driver once recovery is done;
 * the driver also supplies what a job does (slots, the engine), so this class stays a thin host.
 * `QueueModule.forRoot` decorates a subclass with `@Processor` and the worker options of the config.
 */
@Injectable()
export class BullMqRunProcessor extends WorkerHost<Worker<RunJob>> {
  private readonly logger = new Logger('BullMqWorker');
  private handler: RunJobHandler | null = null;

  /** Sets what a job does; called by the driver before the worker runs. */
  handleWith(handler: RunJobHandler): void {
    this.handler = handler;
  }

  async process(job: Job<RunJob>, token?: string): Promise<void> {
    if (!this.handler) throw new Error('The run worker started before the queue driver attached it');
    await this.handler(job, token);
  }

  /** Connection errors while Redis restarts: BullMQ reconnects by itself. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`Worker: ${error.message}`);
  }
}
