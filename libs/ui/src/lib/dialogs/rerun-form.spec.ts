import type { ParameterDefinition } from '@onward/task-domain';

import { checkRerunForm, initialValues, parseField } from './rerun-form';

const SALES: ParameterDefinition[] = [
  { name: 'customer', label: 'Customer', type: 'string', required: true },
  { name: 'year', label: 'Year', type: 'integer', required: true, min: 2000, max: 2100 },
  {
    name: 'format',
    label: 'Format',
    type: 'string',
    required: false,
    default: 'pdf',
    options: [
      { value: 'pdf', label: 'PDF' },
      { value: 'csv', label: 'CSV' },
    ],
  },
  { name: 'draft', label: 'Draft', type: 'boolean', required: false },
  { name: 'from', label: 'From', type: 'date', required: false },
  { name: 'rate', label: 'Rate', type: 'number', required: false, min: 0.5 },
];

describe('initialValues', () => {
  it('takes the display values, then the defaults, and leaves unknown ones empty', () => {
    expect(initialValues(SALES, { customer: 'Acme', year: 2024 })).toEqual({
      customer: 'Acme',
      year: 2024,
      format: 'pdf',
      draft: undefined,
      from: undefined,
      rate: undefined,
    });
  });

  it('keeps a file parameter’s shown name, and never a default for it', () => {
    const defs: ParameterDefinition[] = [{ name: 'file', label: 'File', type: 'file', required: true }];
    expect(initialValues(defs, { file: 'orders.csv' })).toEqual({ file: 'orders.csv' });
    expect(initialValues(defs, {})).toEqual({ file: undefined });
  });
});

describe('parseField', () => {
  const year = SALES[1];
  const rate = SALES[5];
  it.each([
    [year, '2025', 2025],
    [year, '', undefined],
    [year, '20x5', '20x5'],
    [year, '2025.5', 2025.5],
    [rate, '1.25', 1.25],
    [SALES[0], 'Globex', 'Globex'],
    [SALES[4], '2026-01-31', '2026-01-31'],
  ])('%#: %p reads %p as %p', (def, text, value) => {
    expect(parseField(def, text)).toEqual(value);
  });
});

describe('checkRerunForm', () => {
  const initial = initialValues(SALES, { customer: 'Acme', year: 2024 });

  it.each([
    ['nothing changed', {}, { ok: true, changes: {} }],
    ['a changed year only', { year: 2025 }, { ok: true, changes: { year: 2025 } }],
    [
      'a changed boolean and date',
      { draft: true, from: '2026-02-01' },
      { ok: true, changes: { draft: true, from: '2026-02-01' } },
    ],
    ['a year below the minimum', { year: 1999 }, { ok: false, errors: { year: 'Year must be at least 2000' } }],
    ['a year that is not a number', { year: '20x5' }, { ok: false, errors: { year: 'Year must be an integer' } }],
    ['a fractional year', { year: 2025.5 }, { ok: false, errors: { year: 'Year must be an integer' } }],
    [
      'a cleared required customer',
      { customer: undefined },
      { ok: false, errors: { customer: 'Customer is required' } },
    ],
    ['a blank customer', { customer: '  ' }, { ok: false, errors: { customer: 'Customer must not be empty' } }],
    [
      'an impossible date',
      { from: '2026-02-30' },
      { ok: false, errors: { from: 'From must be a valid calendar date' } },
    ],
    ['a rate under its minimum', { rate: 0.1 }, { ok: false, errors: { rate: 'Rate must be at least 0.5' } }],
    [
      'a value outside the options',
      { format: 'xls' },
      { ok: false, errors: { format: 'Format must be one of pdf, csv' } },
    ],
    ['a cleared optional field that had no value', { rate: undefined }, { ok: true, changes: {} }],
  ])('%s', (_what, edits, outcome) => {
    expect(checkRerunForm(SALES, initial, { ...initial, ...edits })).toEqual(outcome);
  });

  it('leaves a required field it does not know to the server, and checks it once changed', () => {
    const shown = initialValues(SALES, { year: 2024 });
    expect(checkRerunForm(SALES, shown, shown)).toEqual({ ok: true, changes: {} });
    expect(checkRerunForm(SALES, shown, { ...shown, customer: 'Globex' })).toEqual({
      ok: true,
      changes: { customer: 'Globex' },
    });
  });

  it('never sends nor checks a file parameter', () => {
    const defs: ParameterDefinition[] = [
      { name: 'file', label: 'File', type: 'file', required: true },
      { name: 'dryRun', label: 'Dry run', type: 'boolean', required: false },
    ];
    const start = initialValues(defs, { file: 'orders.csv' });
    expect(checkRerunForm(defs, start, { ...start, dryRun: true })).toEqual({ ok: true, changes: { dryRun: true } });
  });
});
