import {
  type DisplayValues,
  type ParameterDefinition,
  parameterIssues,
  type Parameters,
  type ParameterValue,
} from '@onward/task-domain';

import { problemMessage } from './parameter-messages';

/** A field's value in the form: typed once parsed, the raw text while it is not a number, or empty. */
export type FieldValue = ParameterValue | undefined;

/**
 * The form's first values: the run's display values where the task shows them, else the declared
 * defaults; unknown ones stay empty (the server keeps the run's own for those).
 */
export function initialValues(
  definitions: readonly ParameterDefinition[],
  display: DisplayValues,
): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const def of definitions)
    values[def.name] = display[def.name] ?? (def.type === 'file' ? undefined : def.default);
  return values;
}

/** What the user typed into a text-like field, as the parameter's type reads it (raw text when not a number). */
export function parseField(def: ParameterDefinition, text: string): FieldValue {
  if (text === '') return undefined;
  if (def.type !== 'integer' && def.type !== 'number') return text;
  const parsed = Number(text);
  return Number.isNaN(parsed) ? text : parsed;
}

/** The outcome of the form: the changed values to send, or the field errors by parameter name. */
export type RerunFormOutcome = { ok: true; changes: Parameters } | { ok: false; errors: Record<string, string> };

/**
 * Checks the form as the server will check the merged parameters, with the domain's own rules: every
 * field whose value the browser knows (shown or changed) is validated; a field it does not know and
 * the user left alone keeps the run's value on the server, and a file is never changed here. Only
 * the changed values are sent, since the server merges them over the run's.
 */
export function checkRerunForm(
  definitions: readonly ParameterDefinition[],
  initial: Record<string, FieldValue>,
  current: Record<string, FieldValue>,
  locale?: string,
): RerunFormOutcome {
  const changed = definitions.filter((def) => def.type !== 'file' && current[def.name] !== initial[def.name]);
  const checked = definitions.filter(
    (def) => def.type !== 'file' && (initial[def.name] !== undefined || changed.includes(def)),
  );
  const input: Record<string, ParameterValue> = {};
  for (const def of checked) {
    const value = current[def.name];
    if (value !== undefined) input[def.name] = value;
  }
  const { issues } = parameterIssues(checked, input);
  if (issues.length > 0) {
    const errors: Record<string, string> = {};
    for (const { name, problem } of issues) {
      const label = definitions.find((def) => def.name === name)?.label ?? name;
      errors[name] = problemMessage(label, problem, locale);
    }
    return { ok: false, errors };
  }
  const changes: Parameters = {};
  for (const def of changed) {
    const value = current[def.name];
    if (value !== undefined) changes[def.name] = value;
  }
  return { ok: true, changes };
}
