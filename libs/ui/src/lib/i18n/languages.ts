import { registerLocaleData } from '@angular/common';
import localeNl from '@angular/common/locales/nl';
import { loadTranslations } from '@angular/localize';

import { NL } from './nl';

/** A language the widget ships besides English: its texts by message id, and Angular's locale data. */
export interface OnwardLanguage {
  /** Target texts keyed by the `@@onward.…` ids, placeholders written `{$name}`. */
  messages: Record<string, string>;
  /** The default export of `@angular/common/locales/<language>`. */
  localeData: unknown[];
}

/** The languages the widget translates to, by language subtag; English is the source and needs none. */
export const ONWARD_LANGUAGES: Readonly<Record<string, OnwardLanguage>> = {
  nl: { messages: NL, localeData: localeNl },
};

/** The language subtag of a locale id: 'nl-BE' → 'nl'. */
export function languageOf(locale: string): string {
  return locale.split(/[-_]/)[0].toLowerCase();
}

/**
 * Makes the widget speak `locale`: Angular's locale data for DatePipe and DecimalPipe, and the
 * widget's translations loaded into `$localize` (merged with any the host loaded for its own texts).
 * A language the widget does not ship keeps the English texts, with that locale's formats.
 */
export function applyOnwardLocale(locale: string): void {
  const language = ONWARD_LANGUAGES[languageOf(locale)];
  if (!language) return;
  registerLocaleData(language.localeData, locale);
  loadTranslations(language.messages);
}
