import type { ParameterDefinition, Parameters, ParameterValue } from './task-definition';

/** One field-level validation error, as listed in an error's `details`. */
export interface FieldError {
  field: string;
  message: string;
}

export type ValidationOutcome = { ok: true; value: Parameters } | { ok: false; errors: FieldError[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A run id as Onward issues them (a UUID); whether it names the caller's completed upload is the server's check. */
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Which rule a value breaks, with what the rule names: data rather than a sentence, so that a client
 * words it in its user's language while the server's English text (`problemText`) stays as it is.
 */
export type ParameterProblem =
  | {
      rule:
        | 'required'
        | 'unknown'
        | 'string'
        | 'empty'
        | 'integer'
        | 'number'
        | 'boolean'
        | 'date'
        | 'calendarDate'
        | 'upload';
    }
  | { rule: 'tooLong' | 'min' | 'max'; limit: number }
  | { rule: 'options'; values: string[] };

/** One parameter's problem, by parameter name. */
export interface ParameterIssue {
  name: string;
  problem: ParameterProblem;
}

const MAX_STRING = 1000;

/** The English words of a problem, after the label: "must be at least 2000". */
export function problemText(problem: ParameterProblem): string {
  switch (problem.rule) {
    case 'required':
      return 'is required';
    case 'unknown':
      return 'is not a parameter of this task';
    case 'string':
      return 'must be a string';
    case 'empty':
      return 'must not be empty';
    case 'tooLong':
      return `must be at most ${problem.limit} characters`;
    case 'integer':
      return 'must be an integer';
    case 'number':
      return 'must be a number';
    case 'boolean':
      return 'must be a boolean';
    case 'date':
      return 'must be a date (YYYY-MM-DD)';
    case 'calendarDate':
      return 'must be a valid calendar date';
    case 'upload':
      return 'must be the id of an upload';
    case 'min':
      return `must be at least ${problem.limit}`;
    case 'max':
      return `must be at most ${problem.limit}`;
    case 'options':
      return `must be one of ${problem.values.join(', ')}`;
  }
}

function checkValue(def: ParameterDefinition, value: unknown): ParameterProblem | null {
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') return { rule: 'string' };
      if (def.required && value.trim() === '') return { rule: 'empty' };
      if (value.length > MAX_STRING) return { rule: 'tooLong', limit: MAX_STRING };
      return null;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return { rule: 'integer' };
      return checkRange(def, value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return { rule: 'number' };
      return checkRange(def, value);
    case 'boolean':
      return typeof value === 'boolean' ? null : { rule: 'boolean' };
    case 'date': {
      if (typeof value !== 'string' || !DATE.test(value)) return { rule: 'date' };
      const parsed = new Date(`${value}T00:00:00Z`);
      return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value
        ? { rule: 'calendarDate' }
        : null;
    }
    case 'file':
      return typeof value === 'string' && RUN_ID.test(value) ? null : { rule: 'upload' };
  }
}

function checkOptions(def: ParameterDefinition, value: unknown): ParameterProblem | null {
  if (!def.options || def.options.some((option) => option.value === value)) return null;
  return { rule: 'options', values: def.options.map((option) => String(option.value)) };
}

function checkRange(def: ParameterDefinition, value: number): ParameterProblem | null {
  if (def.min !== undefined && value < def.min) return { rule: 'min', limit: def.min };
  if (def.max !== undefined && value > def.max) return { rule: 'max', limit: def.max };
  return null;
}

/** The checked values (defaults applied) and every parameter's problem; `input` must be an object. */
export function parameterIssues(
  definitions: readonly ParameterDefinition[],
  input: Record<string, unknown>,
): { value: Parameters; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const value: Parameters = {};
  const known = new Set(definitions.map((d) => d.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) issues.push({ name, problem: { rule: 'unknown' } });
  }
  for (const def of definitions) {
    const raw = input[def.name];
    if (raw === undefined || raw === null) {
      if (def.default !== undefined) value[def.name] = def.default;
      else if (def.required) issues.push({ name: def.name, problem: { rule: 'required' } });
      continue;
    }
    const problem = checkValue(def, raw) ?? checkOptions(def, raw);
    if (problem) issues.push({ name: def.name, problem });
    else value[def.name] = raw as ParameterValue;
  }
  return { value, issues };
}

/**
 * Checks `input` against a task's declared parameters: unknown names, missing required ones and
 * wrong types are field errors under `path` (e.g. `parameters` or `rows[2]`); defaults are applied.
 */
export function validateParameters(
  definitions: readonly ParameterDefinition[],
  input: unknown,
  path = 'parameters',
): ValidationOutcome {
  if (input === undefined || input === null) input = {};
  if (!isPlainObject(input)) {
    return { ok: false, errors: [{ field: path, message: 'must be an object' }] };
  }
  const { value, issues } = parameterIssues(definitions, input);
  // The API's wording: a value's problem names the label, a missing or unknown name does not.
  const errors = issues.map(({ name, problem }): FieldError => {
    const label = definitions.find((d) => d.name === name)?.label;
    const bare = problem.rule === 'required' || problem.rule === 'unknown';
    return { field: `${path}.${name}`, message: bare ? problemText(problem) : `${label} ${problemText(problem)}` };
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Checks that a declared parameter list is well-formed; returns the problems found. */
export function checkParameterDefinitions(definitions: readonly ParameterDefinition[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const def of definitions) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(def.name)) problems.push(`parameter name "${def.name}" is not an identifier`);
    if (seen.has(def.name)) problems.push(`parameter "${def.name}" is declared twice`);
    seen.add(def.name);
    if (def.default !== undefined) {
      const problem =
        def.type === 'file'
          ? 'must not be set'
          : wordsOf(checkValue(def, def.default) ?? checkOptions(def, def.default));
      if (problem) problems.push(`default of parameter "${def.name}" ${problem}`);
    }
    if (def.options !== undefined) {
      if (def.options.length === 0) problems.push(`options of parameter "${def.name}" must not be empty`);
      for (const option of def.options) {
        const problem =
          def.type === 'file' ? 'is not allowed on a file parameter' : wordsOf(checkValue(def, option.value));
        if (problem) problems.push(`option ${JSON.stringify(option.value)} of parameter "${def.name}" ${problem}`);
      }
    }
  }
  return problems;
}

function wordsOf(problem: ParameterProblem | null): string | null {
  return problem && problemText(problem);
}
