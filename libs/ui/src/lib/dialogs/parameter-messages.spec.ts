import { clearTranslations } from '@angular/localize';
import type { ParameterDefinition } from '@onward/task-domain';

import { applyOnwardLocale } from '../i18n/languages';
import { checkRerunForm } from './rerun-form';

const DEFS: ParameterDefinition[] = [
  { name: 'customer', label: 'Klant', type: 'string', required: true },
  { name: 'year', label: 'Jaar', type: 'integer', required: true, min: 2000, max: 2100 },
  { name: 'rate', label: 'Tempo', type: 'number', required: false, min: 0.5 },
];
const START = { customer: 'Acme', year: 2024, rate: 1 };

describe('the rerun form in Dutch', () => {
  beforeAll(() => applyOnwardLocale('nl'));
  afterAll(() => clearTranslations());

  it.each([
    [{ year: 1999 }, { year: 'Jaar moet minstens 2000 zijn' }],
    [{ year: 2025.5 }, { year: 'Jaar moet een geheel getal zijn' }],
    [{ customer: undefined }, { customer: 'Klant is verplicht' }],
    [{ customer: '  ' }, { customer: 'Klant mag niet leeg zijn' }],
    [{ rate: 0.25 }, { rate: 'Tempo moet minstens 0,5 zijn' }],
  ])('words the rule the server checks in Dutch: %j', (edits, errors) => {
    expect(checkRerunForm(DEFS, START, { ...START, ...edits }, 'nl')).toEqual({ ok: false, errors });
  });
});

describe('the rerun form in English', () => {
  it('keeps the wording of the server', () => {
    expect(checkRerunForm(DEFS, START, { ...START, year: 2101 }, 'en')).toEqual({
      ok: false,
      errors: { year: 'Jaar must be at most 2100' },
    });
  });
});
