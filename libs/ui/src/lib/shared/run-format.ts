import {
  type DisplayValues,
  isUnfinished,
  type RunStatus,
  type RunView,
  schedulerFinished,
  type SchedulerState,
  type SubtaskValue,
  type ValueResult,
} from '@onward/task-domain';

import type { IconName } from './icon';
import { formatNumber } from './intl-formats';

/** How a status looks everywhere in the widget: one palette, one icon, one word. */
export interface StatusLook {
  label: string;
  icon: IconName;
  /** CSS class suffix: `onward-tone-<tone>`. */
  tone: 'neutral' | 'active' | 'warn' | 'success' | 'danger' | 'muted';
}

const LOOKS: Record<RunStatus, Omit<StatusLook, 'label'>> = {
  queued: { icon: 'schedule', tone: 'neutral' },
  running: { icon: 'play', tone: 'active' },
  cancelling: { icon: 'hourglass', tone: 'warn' },
  completed: { icon: 'check', tone: 'success' },
  failed: { icon: 'error', tone: 'danger' },
  cancelled: { icon: 'cancel', tone: 'muted' },
};

/** The word of a status, translated when it is asked for (after the host's locale is loaded). */
function statusWord(status: RunStatus): string {
  switch (status) {
    case 'queued':
      return $localize`:@@onward.status.queued:Queued`;
    case 'running':
      return $localize`:@@onward.status.running:Running`;
    case 'cancelling':
      return $localize`:@@onward.status.cancelling:Cancelling`;
    case 'completed':
      return $localize`:@@onward.status.completed:Completed`;
    case 'failed':
      return $localize`:@@onward.status.failed:Failed`;
    case 'cancelled':
      return $localize`:@@onward.status.cancelled:Cancelled`;
  }
}

/** The label, icon and colour tone of a status. */
export function statusLook(status: RunStatus): StatusLook {
  return { ...LOOKS[status], label: statusWord(status) };
}

/** The display-parameter values as one line: "Globex 2024". */
export function displayText(display: DisplayValues | null | undefined): string {
  if (!display) return '';
  return Object.values(display)
    .filter((v) => v !== null && v !== undefined && v !== '')
    .map(String)
    .join(' ');
}

/** What names a run besides its title: a scheduler's rows as well as the display values. */
export type LabelledRun = Pick<RunView, 'title' | 'display'> & Partial<Pick<RunView, 'firstRows' | 'scheduler'>>;

/** One row of a selection by its own values: those not common to every row, else all of them. */
function rowName(row: DisplayValues, common: DisplayValues): string {
  const own = Object.fromEntries(Object.entries(row).filter(([key]) => !(key in common)));
  return displayText(own) || displayText(row);
}

/** "Acme, Globex and 2 more": a scheduler's first rows and the count of the others; '' for a single run. */
export function selectionText(run: Omit<LabelledRun, 'title'>): string {
  const names = (run.firstRows ?? []).map((row) => rowName(row, run.display)).filter((name) => name !== '');
  const total = Math.max(run.scheduler?.total ?? 0, names.length);
  const [first, second, third] = names;
  if (first === undefined) return '';
  if (total === 1 || second === undefined) return first;
  if (total === 2) return $localize`:@@onward.selection.two:${first}:first: and ${second}:second:`;
  if (total === 3 && third !== undefined) {
    return $localize`:@@onward.selection.three:${first}:first:, ${second}:second: and ${third}:third:`;
  }
  return $localize`:@@onward.selection.more:${first}:first:, ${second}:second: and ${total - 2}:count: more`;
}

/** "Acme, Globex and 2 more · 2025": the part of a run's label after its title. */
export function runSubtitle(run: Omit<LabelledRun, 'title'>): string {
  return [selectionText(run), displayText(run.display)].filter((part) => part !== '').join(' · ');
}

/** "Sales report · Globex 2024", "Sales report · Acme, Globex and 2 more · 2025". */
export function runLabel(run: LabelledRun): string {
  const subtitle = runSubtitle(run);
  return subtitle ? `${run.title} · ${subtitle}` : run.title;
}

/** "Cancelled", or "Cancelled by an administrator" when an administrator stopped another user's run. */
export function cancelledText(run: Partial<Pick<RunView, 'cancelledBy'>>): string {
  return run.cancelledBy?.admin
    ? $localize`:@@onward.cancelled.byAdmin:Cancelled by an administrator`
    : $localize`:@@onward.cancelled:Cancelled`;
}

/** The rows of a scheduler's value list, or null when the value is not one. */
export function valueRows(value: unknown): SubtaskValue[] | null {
  if (!Array.isArray(value)) return null;
  const rows = value as unknown[];
  const isRow = (item: unknown): item is SubtaskValue =>
    typeof item === 'object' && item !== null && 'row' in item && 'status' in item && 'display' in item;
  return rows.every(isRow) ? rows : null;
}

/** What a value result says to people: the task's own sentence, else the value in short (null for a value list). */
export function resultText(result: ValueResult, max = 80): string | null {
  if (result.summary) return result.summary;
  return valueRows(result.value) ? null : valueText(result.value, max);
}

/** "3 of 10 · Globex 2024" for a scheduler's current subtask, or null when none runs. */
export function schedulerLine(state: SchedulerState, locale?: string): string | null {
  if (!state.current) return null;
  const position = formatNumber(Math.min(state.total, schedulerFinished(state) + 1), locale);
  const total = formatNumber(state.total, locale);
  const display = displayText(state.current.display);
  const count = $localize`:@@onward.scheduler.position:${position}:position: of ${total}:total:`;
  return display ? `${count} · ${display}` : count;
}

/** Milliseconds a run has been going (or went), from start, or from creation while queued. */
export function elapsedMs(run: Pick<RunView, 'createdAt' | 'startedAt' | 'finishedAt'>, now: number): number {
  const from = Date.parse(run.startedAt ?? run.createdAt);
  const to = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Number.isNaN(from) || Number.isNaN(to) ? 0 : Math.max(0, to - from);
}

/** "0:07", "12:04", "1:02:03", "3d 2h" ("3 d 2 u" in Dutch). */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  if (h >= 48) return $localize`:@@onward.duration.days:${Math.floor(h / 24)}:days:d ${h % 24}:hours:h`;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "12 KB", "1.4 MB" ("1,4 MB" in Dutch): the number in the locale's digits. */
export function formatBytes(bytes: number, locale?: string): string {
  if (bytes < 1024) return `${formatNumber(bytes, locale)} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 10 ? 1 : 0;
  const number = formatNumber(value, locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${number} ${units[unit]}`;
}

/** A short text of a value result: JSON, cut to `max` characters. */
export function valueText(value: unknown, max = 80): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Running ones on top, then newest first. */
export function compareRuns(a: RunView, b: RunView): number {
  const activeA = isUnfinished(a.status) ? 0 : 1;
  const activeB = isUnfinished(b.status) ? 0 : 1;
  if (activeA !== activeB) return activeA - activeB;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The filters of the panel: everything, or one state a user tells apart. */
export type RunFilter = 'all' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Whether a run passes a panel filter ("running" = every unfinished status, queued and cancelling too). */
export function matchesFilter(run: Pick<RunView, 'status'>, filter: RunFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'running':
      return isUnfinished(run.status);
    case 'completed':
    case 'failed':
    case 'cancelled':
      return run.status === filter;
  }
}
