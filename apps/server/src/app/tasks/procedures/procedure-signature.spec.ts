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
      'argument "p_year" is text, which a integer parameter ("year") does not fit',
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

  it('returns the output arguments by name, or null for a procedure without any', () => {
    const args = [arg('p_year', 'integer'), arg('rows', 'integer', 'inout'), arg('total', 'numeric', 'out')];
    expect(outputOf(args, { rows: 3, total: '12.5' })).toEqual({ rows: 3, total: '12.5' });
    expect(outputOf([arg('p_year', 'integer')], {})).toBeNull();
  });
});
