import { checkParameterDefinitions, validateParameters } from './parameter-validation';
import type { ParameterDefinition } from './task-definition';

const salesReport: ParameterDefinition[] = [
  { name: 'customer', label: 'Customer', type: 'string', required: true },
  { name: 'year', label: 'Year', type: 'integer', required: true, min: 2000, max: 2100 },
];
const recalc: ParameterDefinition[] = [
  { name: 'category', label: 'Category', type: 'string', required: true },
  { name: 'seconds', label: 'Seconds', type: 'number', required: false, default: 10, min: 0.5, max: 3600 },
  { name: 'dryRun', label: 'Dry run', type: 'boolean', required: false },
  { name: 'from', label: 'From', type: 'date', required: false },
];

describe('validateParameters', () => {
  it('accepts valid parameters and applies defaults', () => {
    expect(validateParameters(salesReport, { customer: 'Acme', year: 2025 })).toEqual({
      ok: true,
      value: { customer: 'Acme', year: 2025 },
    });
    expect(validateParameters(recalc, { category: 'Hardware' })).toEqual({
      ok: true,
      value: { category: 'Hardware', seconds: 10 },
    });
  });

  it('names every missing, unknown and wrongly typed field', () => {
    const outcome = validateParameters(salesReport, { year: '2025', colour: 'red' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.map((e) => e.field).sort()).toEqual([
      'parameters.colour',
      'parameters.customer',
      'parameters.year',
    ]);
    expect(outcome.errors.find((e) => e.field === 'parameters.year')?.message).toMatch(/integer/);
  });

  it('checks ranges, integers, booleans and real calendar dates', () => {
    const errorsOf = (input: unknown, defs = recalc): string[] => {
      const outcome = validateParameters(defs, input, 'rows[2]');
      return outcome.ok ? [] : outcome.errors.map((e) => `${e.field}: ${e.message}`);
    };
    expect(errorsOf({ category: 'x', seconds: 0.1 })).toEqual(['rows[2].seconds: Seconds must be at least 0.5']);
    expect(errorsOf({ category: 'x', seconds: 4000 })).toEqual(['rows[2].seconds: Seconds must be at most 3600']);
    expect(errorsOf({ category: 'x', dryRun: 'yes' })).toEqual(['rows[2].dryRun: Dry run must be a boolean']);
    expect(errorsOf({ category: 'x', from: '2025-02-30' })).toEqual([
      'rows[2].from: From must be a valid calendar date',
    ]);
    expect(errorsOf({ category: 'x', from: '2025-02-28' })).toEqual([]);
    expect(errorsOf({ customer: 'Acme', year: 2025.5 }, salesReport)).toEqual([
      'rows[2].year: Year must be an integer',
    ]);
    expect(errorsOf({ category: 'x', seconds: Number.NaN })).toEqual(['rows[2].seconds: Seconds must be a number']);
  });

  it('allows only the declared options, naming them', () => {
    const exportOrders: ParameterDefinition[] = [
      {
        name: 'format',
        label: 'Format',
        type: 'string',
        required: false,
        default: 'csv',
        options: [
          { value: 'csv', label: 'CSV' },
          { value: 'xlsx', label: 'Excel' },
        ],
      },
    ];
    expect(validateParameters(exportOrders, {})).toEqual({ ok: true, value: { format: 'csv' } });
    expect(validateParameters(exportOrders, { format: 'xlsx' })).toEqual({ ok: true, value: { format: 'xlsx' } });
    expect(validateParameters(exportOrders, { format: 'pdf' })).toEqual({
      ok: false,
      errors: [{ field: 'parameters.format', message: 'Format must be one of csv, xlsx' }],
    });
  });

  it('takes a run id for a file parameter', () => {
    const importOrders: ParameterDefinition[] = [{ name: 'file', label: 'File', type: 'file', required: true }];
    const id = '0b6f3d0e-4a59-4d8e-9d5c-2f1f3b9b7a10';
    expect(validateParameters(importOrders, { file: id })).toEqual({ ok: true, value: { file: id } });
    for (const bad of ['orders.csv', 42, '']) {
      expect(validateParameters(importOrders, { file: bad })).toEqual({
        ok: false,
        errors: [{ field: 'parameters.file', message: 'File must be the id of an upload' }],
      });
    }
  });

  it('rejects a non-object and empty required strings', () => {
    expect(validateParameters(salesReport, [1, 2])).toEqual({
      ok: false,
      errors: [{ field: 'parameters', message: 'must be an object' }],
    });
    const outcome = validateParameters(salesReport, { customer: '  ', year: 2025 });
    expect(outcome.ok).toBe(false);
  });
});

describe('checkParameterDefinitions', () => {
  it('finds duplicate names, bad identifiers and defaults of the wrong type', () => {
    expect(
      checkParameterDefinitions([
        { name: 'a', label: 'A', type: 'integer', required: false, default: 'x' },
        { name: 'a', label: 'A', type: 'string', required: true },
        { name: '1b', label: 'B', type: 'string', required: true },
      ]),
    ).toEqual([
      'default of parameter "a" must be an integer',
      'parameter "a" is declared twice',
      'parameter name "1b" is not an identifier',
    ]);
    expect(checkParameterDefinitions(salesReport)).toEqual([]);
    expect(
      checkParameterDefinitions([
        {
          name: 'n',
          label: 'N',
          type: 'integer',
          required: false,
          default: 3,
          options: [
            { value: 1, label: 'one' },
            { value: 'two', label: 'two' },
          ],
        },
        { name: 'f', label: 'F', type: 'file', required: false, options: [] },
      ]),
    ).toEqual([
      'default of parameter "n" must be one of 1, two',
      'option "two" of parameter "n" must be an integer',
      'options of parameter "f" must not be empty',
    ]);
  });
});
