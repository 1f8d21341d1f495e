import type { RunView } from '@onward/task-domain';

import { dateTimeFormat } from './intl-formats';

/** A time as an entry shows it: short and relative, the exact date-time for hover, and the ISO value. */
export interface ShownTime {
  text: string;
  exact: string;
  iso: string;
}

/** Midnight (local time) of the day of `ms`. */
export function startOfDay(ms: number): number {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** Calendar days from the day of `at` to `today` (a local midnight); DST days count as one. */
function daysBefore(at: Date, today: number): number {
  return Math.round((today - startOfDay(at.getTime())) / 86_400_000);
}

/**
 * "14:02" today, "yesterday 16:40", "28 Nov, 16:40" earlier this year, "28 Nov 2025" before; all in
 * the locale's own order and words. `today` is the local midnight of now.
 */
export function relativeTime(iso: string, today: number, locale: string): string {
  const at = new Date(iso);
  const time = timeOfDay(at, locale);
  const days = daysBefore(at, today);
  if (days <= 0) return time;
  if (days === 1) return $localize`:@@onward.time.yesterday:yesterday ${time}:time:`;
  if (at.getFullYear() === new Date(today).getFullYear()) {
    const date = dateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(at);
    return $localize`:@@onward.time.dateAndTime:${date}:date:, ${time}:time:`;
  }
  return dateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
}

/** "14:02" or "2:02 PM", as the locale writes a time. */
function timeOfDay(at: Date, locale: string): string {
  return dateTimeFormat(locale, { timeStyle: 'short' }).format(at);
}

/** The full date and time, for hover: "Thursday, 3 December 2026 at 14:02:07". */
export function exactTime(iso: string, locale: string): string {
  return dateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' }).format(new Date(iso));
}

/**
 * When a run started (or was created, while queued) and, once finished, when it finished; the finish
 * shows only its time when it fell on the start's day.
 */
export function runTimes(
  run: Pick<RunView, 'createdAt' | 'startedAt' | 'finishedAt'>,
  today: number,
  locale: string,
): { start: ShownTime; finish: ShownTime | null } {
  const startIso = run.startedAt ?? run.createdAt;
  const start: ShownTime = {
    text: relativeTime(startIso, today, locale),
    exact: exactTime(startIso, locale),
    iso: startIso,
  };
  if (!run.finishedAt) return { start, finish: null };
  const sameDay = startOfDay(Date.parse(startIso)) === startOfDay(Date.parse(run.finishedAt));
  const finish: ShownTime = {
    text: sameDay ? timeOfDay(new Date(run.finishedAt), locale) : relativeTime(run.finishedAt, today, locale),
    exact: exactTime(run.finishedAt, locale),
    iso: run.finishedAt,
  };
  return { start, finish };
}
