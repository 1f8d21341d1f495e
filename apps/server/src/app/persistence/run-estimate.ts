import type { RunView } from '@onward/task-domain';

/** What a task's completed runs took: the history behind an estimate. */
export interface TaskDuration {
  runs: number;
  meanMs: number;
  p90Ms: number;
}

export type Estimate = NonNullable<RunView['estimate']>;

/** Under this percent a run's own rate is blended with its task's history, which a first report cannot yet outweigh. */
const TRUSTED_PERCENT = 20;

/** The fields of a run an estimate reads. */
export interface EstimatedRun {
  status: RunView['status'];
  progressPercent: number | null;
  startedAt: string | null;
  scheduler: { total: number } | null;
}

/**
 * Time left of a run, or null when nothing says. Once the run reports progress: its own average rate
 * so far (elapsed × what is left ÷ what is done), which moves smoothly because it averages over the
 * whole run, blended with its task's history while the percent is small. Before that, and for queued
 * runs: the task's mean duration (a scheduler's: its subtasks' mean × its rows), less what has
 * elapsed; `waitMs` is added for a queued run (the expected wait for its turn).
 */
export function estimateOf(
  run: EstimatedRun,
  history: TaskDuration | null,
  nowMs: number,
  waitMs = 0,
): Estimate | null {
  const rows = run.scheduler?.total ?? 1;
  const typical = history && history.runs > 0 ? history.meanMs * rows : null;
  if (run.status === 'queued') {
    return typical === null ? null : { remainingMs: Math.round(typical + waitMs), basis: 'history' };
  }
  if (run.status !== 'running' || run.startedAt === null) return null;
  const elapsed = Math.max(0, nowMs - Date.parse(run.startedAt));
  const percent = run.progressPercent;
  if (percent !== null && percent > 0) {
    const byRate = percent >= 100 ? 0 : (elapsed * (100 - percent)) / percent;
    if (typical === null || percent >= TRUSTED_PERCENT) return { remainingMs: Math.round(byRate), basis: 'progress' };
    const weight = percent / TRUSTED_PERCENT;
    const byHistory = Math.max(0, typical - elapsed);
    return { remainingMs: Math.round(weight * byRate + (1 - weight) * byHistory), basis: 'progress' };
  }
  if (typical === null || history === null) return null;
  // Longer than usual already: the slow end of the history, else nothing to say.
  const left = typical > elapsed ? typical - elapsed : history.p90Ms * rows - elapsed;
  return left > 0 ? { remainingMs: Math.round(left), basis: 'history' } : null;
}

/** The weight of one new duration in the mean (about the last 10 runs count). */
export const MEAN_WEIGHT = 0.2;
/** How far one duration moves the 90th-percentile estimate, relative to the mean. */
const P90_STEP = 0.05;

/**
 * Folds completed durations into a task's history: the mean as an exponentially weighted average,
 * the 90th percentile by stochastic approximation (up a step 9 times as large as down, so that it
 * settles where 10 % of the durations lie above it). O(1) per duration.
 */
export function withDurations(history: TaskDuration | null, durationsMs: readonly number[]): TaskDuration | null {
  let current = history;
  for (const ms of durationsMs) {
    if (!current || current.runs === 0) {
      current = { runs: 1, meanMs: ms, p90Ms: ms };
      continue;
    }
    const meanMs = current.meanMs + MEAN_WEIGHT * (ms - current.meanMs);
    const step = P90_STEP * Math.max(meanMs, 1);
    const p90Ms = ms > current.p90Ms ? current.p90Ms + 9 * step : Math.max(meanMs, current.p90Ms - step);
    current = { runs: current.runs + 1, meanMs, p90Ms: Math.max(p90Ms, meanMs) };
  }
  return current;
}
