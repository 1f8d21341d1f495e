import type { TaskDefinition } from '@onward/task-domain';

import type { TaskOptions } from './task-handler';
import { translateDefinition, translationProblems } from './task-translations';

const OPTIONS: TaskOptions = {
  id: 'prices',
  title: 'Prices',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  displayParameters: [],
  parameters: [
    { name: 'category', label: 'Category', type: 'string', required: true, options: [{ value: 'A', label: 'Apples' }] },
    { name: 'year', label: 'Year', type: 'integer', required: false },
  ],
};

// Without translations the definition is the options as they are.
const ENGLISH: TaskDefinition = { ...OPTIONS };

describe('task translations', () => {
  it('translates the title, labels and option labels, English where a text is left out', () => {
    const dutch = translateDefinition(ENGLISH, {
      title: 'Prijzen',
      parameters: { category: { label: 'Categorie', options: { A: 'Appels' } } },
    });
    expect(dutch).toEqual({
      ...ENGLISH,
      title: 'Prijzen',
      parameters: [
        { ...ENGLISH.parameters[0], label: 'Categorie', options: [{ value: 'A', label: 'Appels' }] },
        ENGLISH.parameters[1],
      ],
    });
    expect(translateDefinition(ENGLISH, undefined)).toBe(ENGLISH);
  });

  it('names a translation of a parameter, an option or a language the task does not have', () => {
    expect(translationProblems(OPTIONS)).toEqual([]);
    const wrong = {
      ...OPTIONS,
      translations: { nl: { parameters: { colour: { label: 'Kleur' }, category: { options: { B: 'Bananen' } } } } },
    };
    expect(translationProblems(wrong)).toEqual([
      'translations.nl names parameter "colour", which is not a parameter',
      'translations.nl.category names option "B", which is not an option',
    ]);
    expect(translationProblems({ ...OPTIONS, translations: { de: {} } as TaskOptions['translations'] })).toEqual([
      'translations names "de", which is not a language Onward translates to',
    ]);
  });
});
