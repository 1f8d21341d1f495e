/** The words of the monitor view: its filters, counts, "Clear" label and notification states. */
import { type RunView } from '@onward/task-domain';

import { plural } from '../shared/plural';
import type { RunFilter } from '../shared/run-format';

export type { RunFilter } from '../shared/run-format';

/** The filter buttons, in order; a function so that the texts are read after the locale is loaded. */
export const filterButtons = (): readonly { value: RunFilter; label: string }[] => [
  { value: 'all', label: $localize`:@@onwardFilterAll:All` },
  { value: 'running', label: $localize`:@@onwardFilterRunning:Running` },
  { value: 'completed', label: $localize`:@@onwardFilterCompleted:Completed` },
  { value: 'failed', label: $localize`:@@onwardFilterFailed:Failed` },
  { value: 'cancelled', label: $localize`:@@onwardFilterCancelled:Cancelled` },
];

/** What an empty list says under each filter (null: the first-use text). */
export const emptyTexts = (): Record<RunFilter, string | null> => ({
  all: null,
  running: $localize`:@@onwardEmptyRunning:Nothing is running right now.`,
  completed: $localize`:@@onwardEmptyCompleted:No completed runs.`,
  failed: $localize`:@@onwardEmptyFailed:No failed runs. Good.`,
  cancelled: $localize`:@@onwardEmptyCancelled:No cancelled runs.`,
});

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
      return plural(count, {
        zero: $localize`:@@onwardClearNoneFinished:Clear finished`,
        other: $localize`:@@onwardClearSomeFinished:Clear # finished`,
      });
    case 'completed':
      return plural(count, {
        zero: $localize`:@@onwardClearNoneCompleted:Clear completed`,
        other: $localize`:@@onwardClearSomeCompleted:Clear # completed`,
      });
    case 'failed':
      return plural(count, {
        zero: $localize`:@@onwardClearNoneFailed:Clear failed`,
        other: $localize`:@@onwardClearSomeFailed:Clear # failed`,
      });
    case 'cancelled':
      return plural(count, {
        zero: $localize`:@@onwardClearNoneCancelled:Clear cancelled`,
        other: $localize`:@@onwardClearSomeCancelled:Clear # cancelled`,
      });
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
      return $localize`:@@onwardNotifyAsk:Get a system notification when a run finishes while this page is hidden.`;
    case 'granted':
      return $localize`:@@onwardNotifyOn:System notifications are on: a run that finishes while this page is hidden shows one.`;
    case 'denied':
      return $localize`:@@onwardNotifyBlocked:The browser blocks notifications from this site. To allow them, open the site settings (the icon left of the address) and set Notifications to Allow.`;
    case 'unsupported':
      return $localize`:@@onwardNotifyUnsupported:This browser cannot show system notifications; finished runs still show here and as toasts.`;
  }
}
