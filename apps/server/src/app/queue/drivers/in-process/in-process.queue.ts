import { AbortListener, delay, HAND_BACK_MS, RunJob, RunProcessor, RunQueue } from '../../run-queue.port';

export interface ConcurrencyLimits {
  concurrency: number;
  userConcurrency: number;
}

/** A job waiting, with its place in the global FIFO order. */
interface Waiting {
  job: RunJob;
  seq: number;
}

/** A FIFO with O(1) push and shift: an array read from a moving head, compacted now and then. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * The embedded driver: a FIFO in memory. A waiting job starts when fewer than `concurrency` jobs
 * run and its owner has fewer than `userConcurrency` running; others may overtake it meanwhile.
 * Durability comes from the database: queued runs are enqueued again at start-up.
 *
 * Jobs wait in one FIFO per owner; the next to start is the oldest head among owners below their
 * cap, so starting a job costs O(owners), not O(backlog). A removed job stays in its owner's FIFO
 * until it reaches the head, where it is skipped.
 */
export class InProcessQueue extends RunQueue {
  readonly name = 'in-process';
  /** Jobs waiting, by run id: the one record of what waits (FIFO entries not in it were removed). */
  private readonly waiting = new Map<string, Waiting>();
  private readonly waitingByOwner = new Map<string, Fifo<Waiting>>();
  private readonly runningByOwner = new Map<string, number>();
  /** Jobs running, by run id: settles when the job is done. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly abortListeners: AbortListener[] = [];
  private readonly stopping = new AbortController();
  private processor: RunProcessor | null = null;
  private closed = false;
  private seq = 0;

  constructor(private readonly limits: ConcurrencyLimits) {
    super();
  }

  async enqueue(job: RunJob): Promise<void> {
    if (this.running.has(job.runId) || this.waiting.has(job.runId)) return;
    const entry = { job, seq: this.seq++ };
    this.waiting.set(job.runId, entry);
    let fifo = this.waitingByOwner.get(job.ownerId);
    if (!fifo) this.waitingByOwner.set(job.ownerId, (fifo = new Fifo()));
    fifo.push(entry);
    this.pump();
  }

  async remove(runId: string): Promise<boolean> {
    return this.waiting.delete(runId);
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
    return this.running.has(job.runId) || this.waiting.has(job.runId);
  }

  async missing(jobs: RunJob[]): Promise<RunJob[]> {
    return jobs.filter((job) => !this.running.has(job.runId) && !this.waiting.has(job.runId));
  }

  async stop(graceMs: number): Promise<void> {
    this.closed = true;
    // Queued in the database: they run at the next start.
    this.waiting.clear();
    this.waitingByOwner.clear();
    const all = Promise.allSettled(this.running.values()).then(() => true);
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

  /** The owner's oldest job still waiting; drops removed jobs from the head, and the FIFO once empty. */
  private headOf(ownerId: string, fifo: Fifo<Waiting>): Waiting | undefined {
    for (let entry = fifo.peek(); entry; entry = fifo.peek()) {
      if (this.waiting.get(entry.job.runId) === entry) return entry;
      fifo.shift();
    }
    this.waitingByOwner.delete(ownerId);
    return undefined;
  }

  /** The oldest waiting job whose owner is below their cap. */
  private next(): Waiting | undefined {
    let next: Waiting | undefined;
    for (const [ownerId, fifo] of this.waitingByOwner) {
      if (!this.mayStart(ownerId)) continue;
      const head = this.headOf(ownerId, fifo);
      if (head && (!next || head.seq < next.seq)) next = head;
    }
    return next;
  }

  private pump(): void {
    const processor = this.processor;
    if (!processor || this.closed) return;
    while (this.running.size < this.limits.concurrency) {
      const entry = this.next();
      if (!entry) return;
      const { job } = entry;
      this.waitingByOwner.get(job.ownerId)?.shift();
      this.waiting.delete(job.runId);
      count(this.runningByOwner, job.ownerId, 1);
      // A run left `queued` (handed back) happens only while stopping: the run is queued in the database and runs at the next start.
      const done = processor(job, this.stopping.signal)
        .then(() => undefined)
        // The engine has logged its failure, with the run's fields; the job is done either way.
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(job.runId);
          count(this.runningByOwner, job.ownerId, -1);
          this.pump();
        });
      this.running.set(job.runId, done);
    }
  }
}

/** Adds `delta` to a per-owner count, dropping owners that reach zero. */
function count(counts: Map<string, number>, ownerId: string, delta: number): void {
  const next = (counts.get(ownerId) ?? 0) + delta;
  if (next > 0) counts.set(ownerId, next);
  else counts.delete(ownerId);
}
