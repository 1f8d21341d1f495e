import type { ParameterDefinition } from '@onward/task-domain';

import { callStatement, outputOf, type ProcedureArgument, signatureProblems } from './procedure-signature';

const year: ParameterDefinition = { name: 'year', label: 'Year', type: 'integer', required: true };
const arg = (
  name: string,
  type: string,
  mode: ProcedureArgument['mode'] = 'in',
  hasDefault = false,
): ProcedureArgument => ({
  name,
  type,
  mode,
  hasDefault,
});

describe('a procedure task against its procedure', () => {
  it('fits parameters to arguments of their own name or p_ and their name, of a fitting type', () => {
    expect(signatureProblems([year], [arg('p_year', 'integer')])).toEqual([]);
    expect(signatureProblems([year], [arg('year', 'bigint')])).toEqual([]);
    expect(
      signatureProblems(
        [year, { ...year, name: 'note', type: 'string' }],
        [arg('p_year', 'numeric'), arg('note', 'text')],
      ),
    ).toEqual([]);
  });

  it('names the parameter that has no argument, and the argument whose type does not fit', () => {
    expect(signatureProblems([year], [arg('p_yr', 'integer', 'in', true)])).toEqual([
      'parameter "year" has no input argument "year" or "p_year"',
    ]);
    expect(signatureProblems([year], [arg('p_year', 'text')])).toEqual([
      'argument "p_year" is text, which an integer parameter ("year") does not fit',
    ]);
    expect(signatureProblems([year], [arg('p_year', 'integer', 'out')])).toEqual([
      'parameter "year" has no input argument "year" or "p_year"',
    ]);
  });

  it('needs a parameter or a default for every IN argument; INOUT and OUT ones are passed as NULL', () => {
    expect(signatureProblems([year], [arg('p_year', 'integer'), arg('p_limit', 'integer')])).toEqual([
      'argument "p_limit" has no parameter and no default',
    ]);
    const args = [arg('p_year', 'integer'), arg('p_limit', 'integer', 'in', true), arg('rows', 'integer', 'inout')];
    expect(signatureProblems([year], args)).toEqual([]);
    expect(callStatement('"s"."p"', [year], args, { year: 2025 })).toEqual({
      sql: 'CALL "s"."p"("p_year" => $1, "rows" => NULL)',
      values: [2025],
    });
  });

  it("leaves an optional parameter without a value to the procedure's default", () => {
    const note: ParameterDefinition = { name: 'note', label: 'Note', type: 'string', required: false };
    const args = [arg('p_year', 'integer'), arg('p_note', 'text', 'in', true)];
    expect(callStatement('p', [year, note], args, { year: 2024 }).sql).toBe('CALL p("p_year" => $1)');
    expect(callStatement('p', [year, note], args, { year: 2024, note: 'x' }).values).toEqual([2024, 'x']);
  });

  it('passes NULL for an optional parameter without a value whose argument has no default', () => {
    const note: ParameterDefinition = { name: 'note', label: 'Note', type: 'string', required: false };
    const args = [arg('p_year', 'integer'), arg('p_note', 'text'), arg('rows', 'integer', 'inout')];
    expect(signatureProblems([year, note], args)).toEqual([]);
    expect(callStatement('p', [year, note], args, { year: 2024 })).toEqual({
      sql: 'CALL p("p_year" => $1, "p_note" => NULL, "rows" => NULL)',
      values: [2024],
    });
    expect(callStatement('p', [year, note], args, { year: 2024, note: 'x' })).toEqual({
      sql: 'CALL p("p_year" => $1, "p_note" => $2, "rows" => NULL)',
      values: [2024, 'x'],
    });
    // Next to one whose argument has a default, which is still left out; the numbering follows the values.
    const limit: ParameterDefinition = { name: 'limit', label: 'Limit', type: 'integer', required: false };
    const both = [arg('p_limit', 'integer', 'in', true), arg('p_note', 'text'), arg('p_year', 'integer')];
    expect(callStatement('p', [limit, note, year], both, { year: 2025 })).toEqual({
      sql: 'CALL p("p_note" => NULL, "p_year" => $1)',
      values: [2025],
    });
  });

  it('passes NULL for an optional parameter without a value that fills an INOUT argument, once', () => {
    const rows: ParameterDefinition = { name: 'rows', label: 'Rows', type: 'integer', required: false };
    const args = [arg('p_year', 'integer'), arg('rows', 'integer', 'inout', true)];
    expect(callStatement('p', [year, rows], args, { year: 2024 }).sql).toBe('CALL p("p_year" => $1, "rows" => NULL)');
    expect(callStatement('p', [year, rows], args, { year: 2024, rows: 7 })).toEqual({
      sql: 'CALL p("p_year" => $1, "rows" => $2)',
      values: [2024, 7],
    });
  });

  it('returns the output arguments by name, or null for a procedure without any', () => {
    const args = [arg('p_year', 'integer'), arg('rows', 'integer', 'inout'), arg('total', 'numeric', 'out')];
    expect(outputOf(args, { rows: 3, total: '12.5' })).toEqual({ rows: 3, total: '12.5' });
    expect(outputOf([arg('p_year', 'integer')], {})).toBeNull();
  });
});
