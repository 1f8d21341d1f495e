import type { RunStatus } from '@onward/task-domain';
import type { TraceCarrier } from '../common/tracing';

/** What the queue carries: a run to execute and whose it is (for the per-user cap). */
export interface RunJob {
  runId: string;
  ownerId: string;
  /** The start request's trace context, when tracing is on: its execution joins that trace. */
  trace?: TraceCarrier;
}

/**
 * Executes one job; the signal fires when the process stops taking work. Resolves with the status the
 * run was left in (null: nothing to execute): `queued` when it was handed back unfinished (shutdown)
 * and must execute again later, elsewhere if possible. Rejects when the engine itself failed, which it
 * has logged.
 */
export type RunProcessor = (job: RunJob, signal: AbortSignal) => Promise<RunStatus | null>;

/** After the grace, how long stopping waits for handlers to react to the signal. */
export const HAND_BACK_MS = 5_000;

/** Resolves after `ms`, without keeping the process alive. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

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
  /**
   * True while the queue holds the run: waiting, or executing in a live process. False for a run the
   * database says is running but whose executor is gone (its job lost with Redis data, say).
   * Rejects when the backing service does not answer.
   */
  abstract holds(job: RunJob): Promise<boolean>;
  /**
   * Of `jobs`, those the queue has no job for (neither waiting nor executing): what the reconciler
   * must enqueue again. Rejects when the backing service does not answer.
   */
  abstract missing(jobs: RunJob[]): Promise<RunJob[]>;
  /**
   * Stops taking work. Running jobs may finish within `graceMs`; then their signal fires and the
   * engine hands them back (queued again, for another process or the next start). Resolves when
   * every job has returned, or a short while after the signal when a handler ignores it.
   */
  abstract stop(graceMs: number): Promise<void>;
  /** 'ok' when the queue's backing service answers. */
  abstract health(): Promise<'ok' | 'down'>;
}
