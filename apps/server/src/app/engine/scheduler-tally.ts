import type { RunStatus, SchedulerState } from '@onward/task-domain';

/** A scheduler's subtask counts, kept as the chain goes: never re-read from the database per subtask. */
export class SchedulerTally {
  completed = 0;
  failed = 0;
  cancelled = 0;

  constructor(readonly total: number) {}

  /** From the database's count of subtasks per status. */
  static fromCounts(counts: Partial<Record<RunStatus, number>>): SchedulerTally {
    const tally = new SchedulerTally(Object.values(counts).reduce((sum, n) => sum + n, 0));
    tally.completed = counts.completed ?? 0;
    tally.failed = counts.failed ?? 0;
    tally.cancelled = counts.cancelled ?? 0;
    return tally;
  }

  /** Counts a subtask that reached `status` (other statuses count nothing). */
  add(status: RunStatus | undefined): void {
    if (status === 'completed' || status === 'failed' || status === 'cancelled') this[status] += 1;
  }

  get finished(): number {
    return this.completed + this.failed + this.cancelled;
  }

  state(current: SchedulerState['current'] = null): SchedulerState {
    const { total, completed, failed, cancelled } = this;
    return { total, completed, failed, cancelled, current };
  }
}
