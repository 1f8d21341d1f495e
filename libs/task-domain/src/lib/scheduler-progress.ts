import type { OnwardLocale } from './locale';
import type { RunStatus, SchedulerState } from './run';

/**
 * Overall percent of a scheduler: 100 × (finished subtasks + current percent / 100) / total,
 * rounded to one decimal and clamped to 0–100.
 */
export function schedulerPercent(total: number, finished: number, currentPercent: number | null): number {
  if (total <= 0) return 100;
  const current = currentPercent === null ? 0 : Math.min(100, Math.max(0, currentPercent)) / 100;
  const raw = (100 * (Math.min(finished, total) + (finished < total ? current : 0))) / total;
  return Math.round(Math.min(100, Math.max(0, raw)) * 10) / 10;
}

/** Number of subtasks that reached a final status. */
export function schedulerFinished(state: Pick<SchedulerState, 'completed' | 'failed' | 'cancelled'>): number {
  return state.completed + state.failed + state.cancelled;
}

/** The final status and message of a scheduler whose subtasks have all finished. */
export function schedulerOutcome(state: Pick<SchedulerState, 'total' | 'completed' | 'failed' | 'cancelled'>): {
  status: Extract<RunStatus, 'completed' | 'failed'>;
  message: string | null;
} {
  if (state.failed > 0) {
    return { status: 'failed', message: `${state.failed} of ${state.total} subtasks failed` };
  }
  return { status: 'completed', message: null };
}

/** "3 of 10 · Globex 2024" ("3 van 10 · …" in Dutch): the scheduler's progress message for its current subtask. */
export function schedulerMessage(position: number, total: number, label: string, locale: OnwardLocale = 'en'): string {
  const count = locale === 'nl' ? `${position} van ${total}` : `${position} of ${total}`;
  return label ? `${count} · ${label}` : count;
}
