import type { RunQueuePlace, RunView } from '@onward/task-domain';

import { plural } from './plural';
import { relativeTime } from './run-times';
import { formatNumber } from './intl-formats';

/**
 * A queued run's place for people: "Next to start", "Waiting · 2 ahead of it (your other runs)" while
 * the user's own runs fill their share, "Waiting for a free worker · 14 ahead" while every worker is busy.
 * `position` counts the runs that start before this one, so 1 is the next.
 */
export function queueLine(place: RunQueuePlace, locale?: string): string {
  const ahead = place.position - 1;
  if (ahead <= 0) return $localize`:@@onward.queue.next:Next to start`;
  if (place.reason === 'user-limit') {
    return plural(
      ahead,
      {
        one: $localize`:@@onward.queue.ownAheadOne:Waiting · # ahead of it (your other runs)`,
        other: $localize`:@@onward.queue.ownAhead:Waiting · # ahead of it (your other runs)`,
      },
      locale,
    );
  }
  return plural(
    ahead,
    {
      one: $localize`:@@onward.queue.capacityAheadOne:Waiting for a free worker · # ahead`,
      other: $localize`:@@onward.queue.capacityAhead:Waiting for a free worker · # ahead`,
    },
    locale,
  );
}

/** "No progress for 4 min": how long a stalled run has been silent, in whole seconds, minutes or hours. */
export function stalledLine(silentMs: number, locale?: string): string {
  const number = (n: number) => formatNumber(n, locale);
  const seconds = Math.max(0, Math.floor(silentMs / 1000));
  if (seconds < 60) return $localize`:@@onward.stalled.seconds:No progress for ${number(seconds)}:seconds: s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return $localize`:@@onward.stalled.minutes:No progress for ${number(minutes)}:minutes: min`;
  return $localize`:@@onward.stalled.hours:No progress for ${number(Math.floor(minutes / 60))}:hours: h`;
}

/**
 * "Repeats the run of 14:02" when the run it repeats is held (its start in the entries' own words),
 * else "Repeats an earlier run".
 */
export function rerunLine(
  original: Pick<RunView, 'createdAt' | 'startedAt'> | undefined,
  today: number,
  locale: string,
): string {
  if (!original) return $localize`:@@onward.rerun.unknown:Repeats an earlier run`;
  const when = relativeTime(original.startedAt ?? original.createdAt, today, locale);
  return $localize`:@@onward.rerun.of:Repeats the run of ${when}:when:`;
}
