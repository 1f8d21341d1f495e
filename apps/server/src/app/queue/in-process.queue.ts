import { Logger } from '@nestjs/common';

import { AbortListener, delay, HAND_BACK_MS, RunJob, RunProcessor, RunQueue } from './run-queue.port';

export interface ConcurrencyLimits {
  concurrency: number;
  userConcurrency: number;
}

/**
 * The embedded driver: a FIFO in memory. A waiting job starts when fewer than `concurrency` jobs
 * run and its owner has fewer than `userConcurrency` running; others may overtake it meanwhile.
 * Durability comes from the database: queued runs are enqueued again at start-up.
 */
export class InProcessQueue extends RunQueue {
  readonly name = 'in-process';
  private readonly logger = new Logger(InProcessQueue.name);
  private readonly waiting: RunJob[] = [];
  private readonly running = new Map<string, { job: RunJob; done: Promise<void> }>();
  private readonly abortListeners: AbortListener[] = [];
  private readonly stopping = new AbortController();
  private processor: RunProcessor | null = null;
  private closed = false;

  constructor(private readonly limits: ConcurrencyLimits) {
    super();
  }

  async enqueue(job: RunJob): Promise<void> {
    if (this.running.has(job.runId) || this.waiting.some((w) => w.runId === job.runId)) return;
    this.waiting.push(job);
    this.pump();
  }

  async remove(runId: string): Promise<boolean> {
    const index = this.waiting.findIndex((job) => job.runId === runId);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  async abort(runId: string): Promise<void> {
    for (const listener of this.abortListeners) listener(runId);
  }

  onAbort(listener: AbortListener): void {
    this.abortListeners.push(listener);
  }

  async startProcessing(processor: RunProcessor): Promise<void> {
    this.processor = processor;
    this.pump();
  }

  async holds(job: RunJob): Promise<boolean> {
    return this.running.has(job.runId) || this.waiting.some((w) => w.runId === job.runId);
  }

  async stop(graceMs: number): Promise<void> {
    this.closed = true;
    this.waiting.length = 0; // queued in the database: they run at the next start
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done)).then(() => true);
    if (await Promise.race([all, delay(graceMs).then(() => false)])) return;
    this.stopping.abort(new Error('The server is shutting down'));
    await Promise.race([all, delay(HAND_BACK_MS)]);
  }

  async health(): Promise<'ok' | 'down'> {
    return 'ok';
  }

  private runningOf(ownerId: string): number {
    let count = 0;
    for (const { job } of this.running.values()) if (job.ownerId === ownerId) count++;
    return count;
  }

  private pump(): void {
    const processor = this.processor;
    if (!processor || this.closed) return;
    while (this.running.size < this.limits.concurrency) {
      const index = this.waiting.findIndex((job) => this.runningOf(job.ownerId) < this.limits.userConcurrency);
      if (index < 0) return;
      const [job] = this.waiting.splice(index, 1);
      // 'requeue' happens only while stopping: the run is queued in the database and runs at the next start.
      const done = processor(job, this.stopping.signal)
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`Run ${job.runId} crashed the engine: ${String(error)}`))
        .finally(() => {
          this.running.delete(job.runId);
          this.pump();
        });
      this.running.set(job.runId, { job, done });
    }
  }
}
