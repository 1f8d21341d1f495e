import type { AwaitResult, ParameterValue, RunKind } from './task-definition';

/** Every status a run can be in. */
export const RUN_STATUSES = ['queued', 'running', 'cancelling', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Foreground: the user waits in a dialog; background: the run lives in the monitor. */
export const RUN_MODES = ['foreground', 'background'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface RunProgress {
  /** 0–100, or null when unknown (indeterminate). */
  percent: number | null;
  message: string | null;
}

export interface FileResult {
  type: 'file';
  fileName: string;
  contentType: string;
  size: number;
}

export interface ValueResult {
  type: 'value';
  value: unknown;
  /** The task's own sentence about the value, for people ("32 prices updated"). */
  summary?: string;
}

export type RunResult = FileResult | ValueResult;

/** One subtask's line in a scheduler's value result (the list it returns when no subtask wrote a file). */
export interface SubtaskValue {
  /** 1-based position in the scheduler's `rows`. */
  row: number;
  display: DisplayValues;
  status: RunStatus;
  value: unknown;
  summary?: string;
  error: string | null;
}

export interface RunError {
  message: string;
  details: string | null;
}

export interface RunOwner {
  id: string;
  username: string;
}

/** Who cancelled a run; `admin` when an administrator cancelled another user's run. */
export interface RunCanceller {
  id: string;
  username: string;
  admin: boolean;
}

export type DisplayValues = Record<string, ParameterValue>;

/** How many of a scheduler's rows `RunView.firstRows` names: enough for "Acme, Globex and 2 more". */
export const FIRST_ROWS_SHOWN = 3;

/** The subtask a scheduler is working on now. */
export interface SchedulerCurrent {
  id: string;
  title: string;
  display: DisplayValues;
  progress: RunProgress;
}

export interface SchedulerState {
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  current: SchedulerCurrent | null;
}

/** Why a queued run waits: the user's own runs fill their share, or every worker is busy. */
export const QUEUE_REASONS = ['user-limit', 'capacity'] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

/** A queued run's place: `position` counts the runs that start before it (1 = next). */
export interface RunQueuePlace {
  position: number;
  reason: QueueReason;
}

/** How long a run is expected to take still, from its own progress rate or the task's recent runs. */
export interface RunEstimate {
  remainingMs: number;
  basis: 'progress' | 'history';
}

/** The one shape in which a run is shown everywhere (HTTP and Socket.IO). */
export interface RunView {
  id: string;
  task: string;
  title: string;
  kind: RunKind;
  owner: RunOwner;
  mode: RunMode;
  display: DisplayValues;
  status: RunStatus;
  progress: RunProgress;
  result: RunResult | null;
  error: RunError | null;
  parentId: string | null;
  scheduler: SchedulerState | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  version: number;
  /** Who cancelled the run, when someone did (a scheduler's subtasks carry their scheduler's). */
  cancelledBy: RunCanceller | null;
  /** The run this one repeats (`POST /api/runs/:id/rerun`), else null. Optional for views of older servers. */
  rerunOf?: string | null;
  /** A queued run's place in the queue, else null. Optional for views of older servers. */
  queue?: RunQueuePlace | null;
  /** The expected time left of a running or queued run, null when unknown. Optional for views of older servers. */
  estimate?: RunEstimate | null;
  /** Running, but no progress reported for `ONWARD_STALL_WARNING_S`. Optional for views of older servers. */
  stalled?: boolean;
  /** Only on a scheduler: the display values of its first rows (up to `FIRST_ROWS_SHOWN`), in row order. */
  firstRows?: DisplayValues[];
  /** Only on `GET /api/runs/:id` of a scheduler: its subtasks in the order of `rows` (at most the first 200). */
  children?: RunView[];
  /** With `children`, when the scheduler has more subtasks: the cursor of `GET /api/runs/:id/children` for the rest. */
  childrenCursor?: string;
}

/** A page of runs with an opaque cursor for the next one. */
export interface RunPage {
  items: RunView[];
  nextCursor: string | null;
}

/** The mode a new run gets when the request does not name one. */
export function defaultMode(awaitResult: AwaitResult): RunMode {
  return awaitResult === 'no' ? 'background' : 'foreground';
}

/** Whether a user may move a run of a task with this setting to the background. */
export function canMoveToBackground(awaitResult: AwaitResult, background: boolean): boolean {
  return background && awaitResult !== 'yes';
}
