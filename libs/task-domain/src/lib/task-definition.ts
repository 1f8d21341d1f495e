/** The kinds of task a catalogue declares: a task yields a value, a report yields a file. */
export const TASK_KINDS = ['task', 'report'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** The kinds a run can have: a catalogue task's kind, or `upload` for a file being uploaded (tus). */
export const RUN_KINDS = [...TASK_KINDS, 'upload'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** Whether the user waits for the result: `yes` foreground only, `no` background, `optional` either. */
export const AWAIT_RESULTS = ['yes', 'no', 'optional'] as const;
export type AwaitResult = (typeof AWAIT_RESULTS)[number];

/** Types a task parameter can declare. */
export const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'file'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** One allowed value of a parameter with `options` (shown as a select list). */
export interface ParameterOption {
  value: string | number;
  label: string;
}

/**
 * A declared parameter of a task, as published in the catalogue. A `file` parameter's value is the id
 * of one of the caller's own completed upload runs.
 */
export interface ParameterDefinition {
  name: string;
  label: string;
  type: ParameterType;
  required: boolean;
  default?: ParameterValue;
  /** Inclusive bounds for `integer` and `number` parameters. */
  min?: number;
  max?: number;
  /** The only values allowed, in the order a select list shows them. */
  options?: ParameterOption[];
  /**
   * A value never written to the log (a password, an API key): shown there as "[redacted]". A
   * declaration only: the catalogue does not publish it.
   */
  secret?: true;
}

export type ParameterValue = string | number | boolean;
export type Parameters = Record<string, ParameterValue>;

/** A catalogue entry: what `GET /api/tasks` returns. */
export interface TaskDefinition {
  id: string;
  title: string;
  kind: TaskKind;
  awaitResult: AwaitResult;
  background: boolean;
  displayParameters: string[];
  parameters: ParameterDefinition[];
}
