import type { StatsWindow } from '@onward/task-domain';

import { dateTimeFormat, numberFormat } from '../shared/intl-formats';
import { type DurationsChartData, durationsSeries, type RunsChartData, runsSeries } from './dashboard-charts';

/** "350 ms", "4.2 s", "3.5 min", "1.2 h"; "–" for no value. */
export function formatMs(ms: number | null, locale?: string): string {
  if (ms === null) return '–';
  const n = (value: number, digits: number): string =>
    numberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
  if (ms < 1000) return $localize`:@@onward.dash.ms:${n(ms, 0)}:value: ms`;
  if (ms < 60_000) return $localize`:@@onward.dash.s:${n(ms / 1000, 1)}:value: s`;
  if (ms < 3_600_000) return $localize`:@@onward.dash.min:${n(ms / 60_000, 1)}:value: min`;
  return $localize`:@@onward.dash.h:${n(ms / 3_600_000, 1)}:value: h`;
}

/** A bucket's start as its window reads it: a time of day, an hour, or a date. */
export function bucketLabel(at: string, window: StatsWindow, locale?: string): string {
  const format =
    window === '7d'
      ? dateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short' })
      : dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  return format.format(new Date(at));
}

/** A date and time in the locale's short style. */
export function shortDateTime(iso: string, locale?: string): string {
  return dateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/**
 * The runs chart's text alternative, in one sentence: told from the data the chart was handed, so it
 * says what the chart draws.
 */
export function runsSummary(data: RunsChartData, windowLabel: string): string {
  const { started, completed, failed, cancelled } = runsSeries(data);
  const peak = Math.max(0, ...started);
  return $localize`:@@onward.dash.runsSummary:Runs per bucket over ${windowLabel}:window:: ${sum(started)}:started: started, ${sum(completed)}:completed: completed, ${sum(failed)}:failed: failed, ${sum(cancelled)}:cancelled: cancelled; at most ${peak}:peak: started in one bucket.`;
}

/** The durations chart's text alternative, told from the data the chart was handed. */
export function durationsSummary(data: DurationsChartData, locale?: string): string {
  const tasks = durationsSeries(data);
  if (tasks.length === 0)
    return $localize`:@@onward.dash.noDurations:Durations per task: no finished runs in this window.`;
  const parts = tasks
    .map(
      (t) =>
        $localize`:@@onward.dash.taskDuration:${t.task}:task:: p50 ${formatMs(t.p50Ms, locale)}:p50:, p95 ${formatMs(t.p95Ms, locale)}:p95:`,
    )
    .join('; ');
  return $localize`:@@onward.dash.durationsSummary:Durations per task: ${parts}:parts:.`;
}
