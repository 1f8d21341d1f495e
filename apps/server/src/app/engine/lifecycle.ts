import type { RunKind, RunStatus } from '@onward/task-domain';

/**
 * What can happen to a run while the engine holds it. Each event moves a run from the statuses it
 * applies to; in any other status the event changes nothing (the run went on without it).
 */
export type LifecycleEvent =
  /** A worker takes a queued run, or a scheduler its next subtask. */
  | 'claim'
  /** Someone (its owner or an admin) asks to stop it. */
  | 'cancel'
  /** Its handler returned; for a scheduler, every subtask ran and none failed. */
  | 'succeeded'
  /** Its handler threw, its result could not be written, or a scheduler's subtask failed. */
  | 'failed'
  /** Its handler stopped because the run was cancelled or deleted. */
  | 'stopped'
  /** The process stopped taking work before the handler ended: the run waits for another worker. */
  | 'handed-back'
  /** Its worker died, and its task must not run twice. */
  | 'worker-died'
  /** Its worker died, and its task may run again (`retryOnCrash`, attempts left). */
  | 'worker-died-retry';

/**
 * The lifecycle as data: event → stored status → next status. One rule runs through it: a cancel the
 * server accepted wins. Once a run is `cancelling`, whatever ends it (success, failure, shutdown, a
 * dead worker) ends it `cancelled`, and it never runs again.
 */
export const LIFECYCLE: Readonly<Record<LifecycleEvent, Partial<Readonly<Record<RunStatus, RunStatus>>>>> = {
  claim: { queued: 'running' },
  cancel: { queued: 'cancelled', running: 'cancelling' },
  succeeded: { running: 'completed', cancelling: 'cancelled' },
  failed: { running: 'failed', cancelling: 'cancelled' },
  stopped: { running: 'cancelled', cancelling: 'cancelled' },
  'handed-back': { running: 'queued', cancelling: 'cancelled' },
  'worker-died': { running: 'failed', cancelling: 'cancelled' },
  'worker-died-retry': { running: 'queued', cancelling: 'cancelled' },
};

/** A conditional write: enter `to` only while the stored status is `from`. */
export interface Transition {
  from: RunStatus;
  to: RunStatus;
}

/** The status `event` moves a run in `status` to; null when the event does not apply to it. */
export function nextStatus(status: RunStatus, event: LifecycleEvent): RunStatus | null {
  return LIFECYCLE[event][status] ?? null;
}

/** Each event's moves, in the table's order, built once: every run's end asks for them. */
const TRANSITIONS = {} as Record<LifecycleEvent, readonly Transition[]>;
for (const event of Object.keys(LIFECYCLE) as LifecycleEvent[]) {
  const moves = Object.entries(LIFECYCLE[event]) as [RunStatus, RunStatus][];
  TRANSITIONS[event] = moves.map(([from, to]) => ({ from, to }));
}

/**
 * The conditional writes that apply `event`, the most likely first: `expected` (the status the caller
 * last knew) leads, so the common case costs one statement, and a run that changed meanwhile (a
 * cancel from another process) is caught by the next guard.
 */
export function transitionsOf(event: LifecycleEvent, expected?: RunStatus): readonly Transition[] {
  const all = TRANSITIONS[event];
  if (!expected || all[0]?.from === expected) return all;
  return [...all.filter((t) => t.from === expected), ...all.filter((t) => t.from !== expected)];
}

/** How many times a run may start before a dead worker no longer earns it another try. */
export const MAX_ATTEMPTS = 3;

/** What a dead worker means for a run: another try, when its task allows one and attempts are left. */
export function workerDied(retryOnCrash: boolean, attempts: number): LifecycleEvent {
  return retryOnCrash && attempts < MAX_ATTEMPTS ? 'worker-died-retry' : 'worker-died';
}

/**
 * A run that no process executes, so that no process's death interrupts it: a running upload receives
 * its bytes over HTTP, and its client resumes it from any process after a restart. Recovery and the
 * reconciler leave it running; only its expiry, a cancel or its last byte ends it.
 */
export function outlivesItsProcess(run: { kind: RunKind; status: RunStatus }): boolean {
  return run.kind === 'upload' && run.status === 'running';
}
