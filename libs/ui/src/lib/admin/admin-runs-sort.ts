import { RUN_STATUSES, type RunView } from '@onward/task-domain';

import { runLabel } from '../shared/run-format';

/** The columns the admin table sorts by. */
export type AdminSortKey = 'task' | 'user' | 'status' | 'started' | 'finished';
export type SortDirection = 'asc' | 'desc';

/** When a run started, or was created while it still waits; ms since the epoch. */
export function startedAtMs(run: Pick<RunView, 'startedAt' | 'createdAt'>): number {
  return Date.parse(run.startedAt ?? run.createdAt);
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

// A run that has not finished (or not started) sorts after every date going up: it happens later.
const time = (iso: string | null): number => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

const compareBy: Record<AdminSortKey, (a: RunView, b: RunView) => number> = {
  task: (a, b) => collator.compare(runLabel(a), runLabel(b)),
  user: (a, b) => collator.compare(a.owner.username, b.owner.username),
  // In lifecycle order (queued … cancelled), the order people read the status filter in.
  status: (a, b) => RUN_STATUSES.indexOf(a.status) - RUN_STATUSES.indexOf(b.status),
  started: (a, b) => startedAtMs(a) - startedAtMs(b),
  finished: (a, b) => {
    const x = time(a.finishedAt);
    const y = time(b.finishedAt);
    return x === y ? 0 : x < y ? -1 : 1;
  },
};

/** A sorted copy; ties keep the newest start first, so the order never jumps between updates. */
export function sortRuns(runs: readonly RunView[], key: AdminSortKey, direction: SortDirection): RunView[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...runs].sort(
    (a, b) => sign * compareBy[key](a, b) || startedAtMs(b) - startedAtMs(a) || a.id.localeCompare(b.id),
  );
}

/** Runs that started (or were created) within the days from–to, both inclusive, in local time. */
export function withinDays(runs: readonly RunView[], from: Date | null, to: Date | null): RunView[] {
  if (!from && !to) return [...runs];
  const start = from ? new Date(from.getFullYear(), from.getMonth(), from.getDate()).getTime() : -Infinity;
  const end = to ? new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1).getTime() : Infinity;
  return runs.filter((run) => {
    const at = startedAtMs(run);
    return at >= start && at < end;
  });
}
