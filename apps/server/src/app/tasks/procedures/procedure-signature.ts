import type { ParameterDefinition, ParameterType } from '@onward/task-domain';

/** One argument of a stored procedure, as `pg_proc` describes it. */
export interface ProcedureArgument {
  name: string;
  mode: 'in' | 'inout' | 'out' | 'variadic';
  /** `format_type` of its type, e.g. `integer`, `character varying`. */
  type: string;
  /** An input argument that may be left out of the CALL. */
  hasDefault: boolean;
}

/** The PostgreSQL types a task parameter's values fit. */
const FITTING_TYPES: Record<ParameterType, string[]> = {
  string: ['text', 'character varying', 'character', 'citext', 'uuid', 'name'],
  integer: ['integer', 'bigint', 'smallint', 'numeric'],
  number: ['numeric', 'double precision', 'real', 'integer', 'bigint', 'smallint'],
  boolean: ['boolean'],
  date: ['date', 'timestamp without time zone', 'timestamp with time zone', 'text', 'character varying'],
  // The upload run's id: the procedure reads the file through Onward's tables, never from disk.
  file: ['uuid', 'text', 'character varying'],
};

/** The argument a parameter is passed as: the parameter's own name, or `p_` and its name. */
export function argumentOf(parameter: string, args: readonly ProcedureArgument[]): ProcedureArgument | undefined {
  return args.find((a) => a.name === parameter) ?? args.find((a) => a.name === `p_${parameter}`);
}

const takesInput = (a: ProcedureArgument): boolean => a.mode !== 'out';

/**
 * What does not fit between a task's declared parameters and its procedure's arguments: every
 * parameter needs an input argument of a fitting type, and every input argument a parameter, a
 * default, or INOUT (passed as NULL). An IN argument without a default that an optional parameter
 * fills fits: the CALL passes NULL when the parameter is not given (see `callStatement`). Empty when
 * they fit.
 */
export function signatureProblems(
  parameters: readonly ParameterDefinition[],
  args: readonly ProcedureArgument[],
): string[] {
  const problems: string[] = [];
  const passed = new Set<string>();
  for (const parameter of parameters) {
    const arg = argumentOf(parameter.name, args);
    if (!arg || !takesInput(arg)) {
      problems.push(`parameter "${parameter.name}" has no input argument "${parameter.name}" or "p_${parameter.name}"`);
      continue;
    }
    passed.add(arg.name);
    if (arg.mode === 'variadic') problems.push(`argument "${arg.name}" is VARIADIC, which a parameter cannot fill`);
    else if (!FITTING_TYPES[parameter.type].includes(arg.type)) {
      problems.push(
        `argument "${arg.name}" is ${arg.type}, which ${/^[aeiou]/.test(parameter.type) ? 'an' : 'a'} ${parameter.type} parameter ("${parameter.name}") does not fit`,
      );
    }
  }
  for (const arg of args) {
    if (arg.mode === 'in' && !passed.has(arg.name) && !arg.hasDefault) {
      problems.push(`argument "${arg.name}" has no parameter and no default`);
    }
    if (!arg.name) problems.push('an argument has no name (Onward calls procedures with named arguments)');
  }
  return problems;
}

/**
 * `CALL procedure(arg => $1, …)` with the parameters given in order; `values` are their values in the
 * same order. An optional parameter that was not given is left out when its argument has a default (the
 * default applies) and passed as NULL when it has none (left out, the CALL would fail). Output
 * arguments that no parameter fills are passed as NULL.
 */
export function callStatement(
  procedure: string,
  parameters: readonly ParameterDefinition[],
  args: readonly ProcedureArgument[],
  given: Record<string, unknown>,
): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const named: string[] = [];
  const filled = new Set<string>();
  for (const parameter of parameters) {
    const arg = argumentOf(parameter.name, args);
    const value = given[parameter.name];
    if (!arg) continue;
    if (value === undefined) {
      if (arg.mode === 'in' && !arg.hasDefault) {
        filled.add(arg.name);
        named.push(`${quoteIdent(arg.name)} => NULL`);
      }
      continue;
    }
    values.push(value);
    filled.add(arg.name);
    named.push(`${quoteIdent(arg.name)} => $${values.length}`);
  }
  for (const arg of args) {
    if ((arg.mode === 'out' || arg.mode === 'inout') && !filled.has(arg.name))
      named.push(`${quoteIdent(arg.name)} => NULL`);
  }
  return { sql: `CALL ${procedure}(${named.join(', ')})`, values };
}

/** The procedure's output arguments, by name, from the row a CALL returned; null without any. */
export function outputOf(
  args: readonly ProcedureArgument[],
  row: Record<string, unknown> | undefined,
): Record<string, unknown> | null {
  const outputs = args.filter((a) => a.mode === 'out' || a.mode === 'inout');
  if (outputs.length === 0 || !row) return null;
  return Object.fromEntries(outputs.map((a) => [a.name, row[a.name] ?? null]));
}

/** A PostgreSQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
