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

function checkValue(def: ParameterDefinition, value: unknown): string | null {
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (def.required && value.trim() === '') return 'must not be empty';
      if (value.length > 1000) return 'must be at most 1000 characters';
      return null;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      return checkRange(def, value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      return checkRange(def, value);
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'date': {
      if (typeof value !== 'string' || !DATE.test(value)) return 'must be a date (YYYY-MM-DD)';
      const parsed = new Date(`${value}T00:00:00Z`);
      return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value
        ? 'must be a valid calendar date'
        : null;
    }
    case 'file':
      return typeof value === 'string' && RUN_ID.test(value) ? null : 'must be the id of an upload';
  }
}

function checkOptions(def: ParameterDefinition, value: unknown): string | null {
  if (!def.options || def.options.some((option) => option.value === value)) return null;
  return `must be one of ${def.options.map((option) => String(option.value)).join(', ')}`;
}

function checkRange(def: ParameterDefinition, value: number): string | null {
  if (def.min !== undefined && value < def.min) return `must be at least ${def.min}`;
  if (def.max !== undefined && value > def.max) return `must be at most ${def.max}`;
  return null;
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
  const errors: FieldError[] = [];
  const value: Parameters = {};
  const known = new Set(definitions.map((d) => d.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) errors.push({ field: `${path}.${name}`, message: 'is not a parameter of this task' });
  }
  for (const def of definitions) {
    const raw = input[def.name];
    if (raw === undefined || raw === null) {
      if (def.default !== undefined) value[def.name] = def.default;
      else if (def.required) errors.push({ field: `${path}.${def.name}`, message: 'is required' });
      continue;
    }
    const problem = checkValue(def, raw) ?? checkOptions(def, raw);
    if (problem) errors.push({ field: `${path}.${def.name}`, message: `${def.label} ${problem}` });
    else value[def.name] = raw as ParameterValue;
  }
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
        def.type === 'file' ? 'must not be set' : (checkValue(def, def.default) ?? checkOptions(def, def.default));
      if (problem) problems.push(`default of parameter "${def.name}" ${problem}`);
    }
    if (def.options !== undefined) {
      if (def.options.length === 0) problems.push(`options of parameter "${def.name}" must not be empty`);
      for (const option of def.options) {
        const problem = def.type === 'file' ? 'is not allowed on a file parameter' : checkValue(def, option.value);
        if (problem) problems.push(`option ${JSON.stringify(option.value)} of parameter "${def.name}" ${problem}`);
      }
    }
  }
  return problems;
}
