/** The words of the monitor view: its filters, counts, "Clear" label and notification states. */
import { type RunView } from '@onward/task-domain';

import { plural } from '../shared/plural';
import type { RunFilter } from '../shared/run-format';

export type { RunFilter } from '../shared/run-format';

/** The filter buttons, in order. */
export const FILTERS: readonly { value: RunFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'completed', label: 'Completed' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

/** What an empty list says under each filter (null: the first-use text). */
export const EMPTY_TEXT: Record<RunFilter, string | null> = {
  all: null,
  running: 'Nothing is running right now.',
  completed: 'No completed runs.',
  failed: 'No failed runs. Good.',
  cancelled: 'No cancelled runs.',
};

/** The count of each filter, and of every finished run ("Clear" under "All"). */
export type RunCounts = Record<RunFilter | 'finished', number>;

export function countRuns(runs: readonly Pick<RunView, 'status'>[]): RunCounts {
  const counts: RunCounts = { all: runs.length, running: 0, completed: 0, failed: 0, cancelled: 0, finished: 0 };
  for (const run of runs) {
    switch (run.status) {
      case 'queued':
      case 'running':
      case 'cancelling':
        counts.running++;
        break;
      case 'completed':
      case 'failed':
      case 'cancelled':
        counts[run.status]++;
        counts.finished++;
        break;
    }
  }
  return counts;
}

/** "Clear 3 failed", "Clear 1 finished" ("Clear failed", disabled, when there is none): the button names what it deletes. */
export function clearLabel(filter: RunFilter, count: number): string {
  switch (filter) {
    case 'all':
    case 'running':
      return plural(count, { zero: 'Clear finished', other: 'Clear # finished' });
    case 'completed':
      return plural(count, { zero: 'Clear completed', other: 'Clear # completed' });
    case 'failed':
      return plural(count, { zero: 'Clear failed', other: 'Clear # failed' });
    case 'cancelled':
      return plural(count, { zero: 'Clear cancelled', other: 'Clear # cancelled' });
  }
}

/** The browser's notification permission, or "unsupported" where there is no Notification API. */
export type NotificationState = NotificationPermission | 'unsupported';

export function notificationPermission(): NotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** What the notification footer says in each state. */
export function notificationText(state: NotificationState): string {
  switch (state) {
    case 'default':
      return 'Get a system notification when a run finishes while this page is hidden.';
    case 'granted':
      return 'System notifications are on: a run that finishes while this page is hidden shows one.';
    case 'denied':
      return 'The browser blocks notifications from this site. To allow them, open the site settings (the icon left of the address) and set Notifications to Allow.';
    case 'unsupported':
      return 'This browser cannot show system notifications; finished runs still show here and as toasts.';
  }
}
