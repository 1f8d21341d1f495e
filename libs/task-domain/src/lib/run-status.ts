import type { RunStatus } from './run';

/** Statuses from which a run never moves again. */
export const FINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Statuses of a run that has not finished yet: waiting for a worker, or executing. */
export const UNFINISHED_STATUSES: readonly RunStatus[] = ['queued', 'running', 'cancelling'];

/** Statuses in which a handler may be executing (a queued run has no handler yet). */
export const EXECUTING_STATUSES: readonly RunStatus[] = ['running', 'cancelling'];

const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  // running → queued: a run handed back to the queue (retry after a crashed worker).
  running: ['completed', 'failed', 'cancelling', 'cancelled', 'queued'],
  // A cancel the server accepted wins: a cancelling run only ever ends cancelled.
  cancelling: ['cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** True when a run in `status` will never change status again. */
export function isFinalStatus(status: RunStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** True while a run in `status` has not finished (queued, running or cancelling). */
export function isUnfinished(status: RunStatus): boolean {
  return UNFINISHED_STATUSES.includes(status);
}

/** True when a handler may be executing a run in `status` (running or cancelling). */
export function isExecuting(status: RunStatus): boolean {
  return EXECUTING_STATUSES.includes(status);
}

/** True when the state machine allows `from` → `to`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses from which `to` may be entered: the guard of a conditional update. */
export function statusesLeadingTo(to: RunStatus): RunStatus[] {
  return (Object.keys(TRANSITIONS) as RunStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}
