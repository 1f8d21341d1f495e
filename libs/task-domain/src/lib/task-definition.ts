/** The kinds of work Onward runs: a task yields a value, a report yields a file. */
export const TASK_KINDS = ['task', 'report'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Whether the user waits for the result: `yes` foreground only, `no` background, `optional` either. */
export const AWAIT_RESULTS = ['yes', 'no', 'optional'] as const;
export type AwaitResult = (typeof AWAIT_RESULTS)[number];

/** Types a task parameter can declare. */
export const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'date'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A declared parameter of a task, as published in the catalogue. */
export interface ParameterDefinition {
  name: string;
  label: string;
  type: ParameterType;
  required: boolean;
  default?: ParameterValue;
  /** Inclusive bounds for `integer` and `number` parameters. */
  min?: number;
  max?: number;
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
