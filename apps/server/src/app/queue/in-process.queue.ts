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
  private readonly waitingIds = new Set<string>();
  /** Per owner: jobs waiting and jobs running, so that a pump need not scan a long backlog. */
  private readonly waitingByOwner = new Map<string, number>();
  private readonly runningByOwner = new Map<string, number>();
  private readonly running = new Map<string, { job: RunJob; done: Promise<void> }>();
  private readonly abortListeners: AbortListener[] = [];
  private readonly stopping = new AbortController();
  private processor: RunProcessor | null = null;
  private closed = false;

  constructor(private readonly limits: ConcurrencyLimits) {
    super();
  }

  async enqueue(job: RunJob): Promise<void> {
    if (this.running.has(job.runId) || this.waitingIds.has(job.runId)) return;
    this.waiting.push(job);
    this.waitingIds.add(job.runId);
    count(this.waitingByOwner, job.ownerId, 1);
    this.pump();
  }

  async remove(runId: string): Promise<boolean> {
    if (!this.waitingIds.has(runId)) return false;
    this.take(this.waiting.findIndex((job) => job.runId === runId));
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
    return this.running.has(job.runId) || this.waitingIds.has(job.runId);
  }

  async stop(graceMs: number): Promise<void> {
    this.closed = true;
    // Queued in the database: they run at the next start.
    this.waiting.length = 0;
    this.waitingIds.clear();
    this.waitingByOwner.clear();
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done)).then(() => true);
    if (await Promise.race([all, delay(graceMs).then(() => false)])) return;
    this.stopping.abort(new Error('The server is shutting down'));
    await Promise.race([all, delay(HAND_BACK_MS)]);
  }

  async health(): Promise<'ok' | 'down'> {
    return 'ok';
  }

  private mayStart(ownerId: string): boolean {
    return (this.runningByOwner.get(ownerId) ?? 0) < this.limits.userConcurrency;
  }

  private take(index: number): RunJob {
    const [job] = this.waiting.splice(index, 1);
    this.waitingIds.delete(job.runId);
    count(this.waitingByOwner, job.ownerId, -1);
    return job;
  }

  private pump(): void {
    const processor = this.processor;
    if (!processor || this.closed) return;
    while (this.running.size < this.limits.concurrency) {
      // Every owner with waiting jobs at their cap (one user's long backlog): nothing to scan for.
      if (![...this.waitingByOwner.keys()].some((owner) => this.mayStart(owner))) return;
      const index = this.waiting.findIndex((job) => this.mayStart(job.ownerId));
      if (index < 0) return;
      const job = this.take(index);
      count(this.runningByOwner, job.ownerId, 1);
      // 'requeue' happens only while stopping: the run is queued in the database and runs at the next start.
      const done = processor(job, this.stopping.signal)
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`Run ${job.runId} crashed the engine: ${String(error)}`))
        .finally(() => {
          this.running.delete(job.runId);
          count(this.runningByOwner, job.ownerId, -1);
          this.pump();
        });
      this.running.set(job.runId, { job, done });
    }
  }
}

/** Adds `delta` to a per-owner count, dropping owners that reach zero. */
function count(counts: Map<string, number>, ownerId: string, delta: number): void {
  const next = (counts.get(ownerId) ?? 0) + delta;
  if (next > 0) counts.set(ownerId, next);
  else counts.delete(ownerId);
}
