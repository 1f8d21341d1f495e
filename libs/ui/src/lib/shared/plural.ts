import { formatNumber } from './intl-formats';

/**
 * Plurals for texts built in TypeScript, where `$localize` has no ICU plural syntax: the locale's
 * own plural rules (Intl.PluralRules) pick the form, and the count is written in the locale's digits.
 */

/**
 * The forms of one phrase, each a `$localize` text so a translation supplies its language's forms;
 * `other` is required, as in ICU. `#` stands for the formatted count.
 */
export interface PluralForms {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

const rules = new Map<string, Intl.PluralRules>();

function rulesFor(locale: string | undefined): Intl.PluralRules {
  const key = locale ?? '';
  let found = rules.get(key);
  if (!found) {
    found = new Intl.PluralRules(locale);
    rules.set(key, found);
  }
  return found;
}

/** The form of `forms` for `count` ("1 run", "3 runs"), with `#` replaced by the count. */
export function plural(count: number, forms: PluralForms, locale?: string): string {
  // An explicit zero form wins for 0 even in languages whose rules call 0 "other" (as ICU's `=0`).
  const form =
    count === 0 && forms.zero !== undefined ? forms.zero : (forms[rulesFor(locale).select(count)] ?? forms.other);
  return form.replace(/#/g, formatNumber(count, locale));
}
