/** What the queue carries: a run to execute and whose it is (for the per-user cap). */
export interface RunJob {
  runId: string;
  ownerId: string;
}

/**
 * Executes one job; the signal fires when the process stops taking work. Resolves `requeue` when the
 * run was handed back unfinished (shutdown) and must execute again later, elsewhere if possible.
 */
export type RunProcessor = (job: RunJob, signal: AbortSignal) => Promise<'done' | 'requeue'>;

/** Called in every process that may hold the run when someone asks it to stop. */
export type AbortListener = (runId: string) => void;

/**
 * The queue port. Drivers decide *when* a run executes (global and per-user concurrency, order,
 * durability, crossing processes); the engine above decides *how*. Two drivers: in-process and
 * BullMQ on Redis.
 */
export abstract class RunQueue {
  /** The driver's name, shown by /health. */
  abstract readonly name: string;
  /** Adds a run to the queue; it executes when the concurrency rules allow. */
  abstract enqueue(job: RunJob): Promise<void>;
  /** Removes a run that has not started yet; true when it was still waiting. */
  abstract remove(runId: string): Promise<boolean>;
  /** Asks whichever process is executing `runId` (or one of its subtasks) to stop it. */
  abstract abort(runId: string): Promise<void>;
  /** Registers what to call when an abort for a run arrives in this process. */
  abstract onAbort(listener: AbortListener): void;
  /** Starts executing jobs with `processor` (processes with the worker role). */
  abstract startProcessing(processor: RunProcessor): Promise<void>;
  /** Stops taking work, signals running jobs and waits for them up to `timeoutMs`. */
  abstract stop(timeoutMs: number): Promise<void>;
  /** 'ok' when the queue's backing service answers. */
  abstract health(): Promise<'ok' | 'down'>;
}
