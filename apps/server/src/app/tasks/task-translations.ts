import { isSupportedLocale, type OnwardLocale, type TaskDefinition } from '@onward/task-domain';

import type { TaskOptions, TaskTranslation } from './task-handler';

/** What is wrong with a task's `translations`: a language Onward does not ship, or a parameter or option it does not have. */
export function translationProblems(options: TaskOptions): string[] {
  const problems: string[] = [];
  for (const [locale, translation] of Object.entries(options.translations ?? {})) {
    if (!isSupportedLocale(locale) || locale === 'en') {
      problems.push(`translations names "${locale}", which is not a language Onward translates to`);
      continue;
    }
    for (const [name, parameter] of Object.entries(translation?.parameters ?? {})) {
      const declared = options.parameters.find((p) => p.name === name);
      if (!declared) {
        problems.push(`translations.${locale} names parameter "${name}", which is not a parameter`);
        continue;
      }
      for (const value of Object.keys(parameter.options ?? {})) {
        if (!declared.options?.some((o) => String(o.value) === value)) {
          problems.push(`translations.${locale}.${name} names option "${value}", which is not an option`);
        }
      }
    }
  }
  return problems;
}

/** The catalogue entry in `locale`: only the texts change, each falling back to English. */
export function translateDefinition(
  definition: TaskDefinition,
  translation: TaskTranslation | undefined,
): TaskDefinition {
  if (!translation) return definition;
  return {
    ...definition,
    title: translation.title || definition.title,
    parameters: definition.parameters.map((parameter) => {
      const texts = translation.parameters?.[parameter.name];
      if (!texts) return parameter;
      return {
        ...parameter,
        label: texts.label || parameter.label,
        ...(parameter.options !== undefined
          ? {
              options: parameter.options.map((o) => ({
                value: o.value,
                label: texts.options?.[String(o.value)] || o.label,
              })),
            }
          : {}),
      };
    }),
  };
}

/** A task's catalogue entries by locale, built once at start-up. */
export function definitionsByLocale(
  options: TaskOptions,
  english: TaskDefinition,
): Readonly<Record<OnwardLocale, TaskDefinition>> {
  return { en: english, nl: translateDefinition(english, options.translations?.nl) };
}
