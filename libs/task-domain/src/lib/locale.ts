/** The languages whose texts Onward ships; English is the default. */
export const SUPPORTED_LOCALES = ['en', 'nl'] as const;

/** A language Onward ships: a run's messages are written in one of these. */
export type OnwardLocale = (typeof SUPPORTED_LOCALES)[number];

/** The language when a request names none that Onward ships. */
export const DEFAULT_LOCALE: OnwardLocale = 'en';

/**
 * The supported language an `Accept-Language` header prefers: 'nl-NL,nl;q=0.9,en;q=0.8' → 'nl'.
 * Ranges are compared by their primary subtag, the highest quality wins (the first on a tie), and
 * `q=0` excludes; with none supported, or no header, the default.
 */
export function negotiateLocale(header: string | null | undefined): OnwardLocale {
  let best: { locale: OnwardLocale; q: number } | null = null;
  for (const part of (header ?? '').split(',')) {
    const [range, ...params] = part.trim().split(';');
    const language = range.trim().split('-')[0].toLowerCase();
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > 0) || !isSupportedLocale(language)) continue;
    if (!best || q > best.q) best = { locale: language, q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

/** Whether `value` names a language Onward ships. */
export function isSupportedLocale(value: unknown): value is OnwardLocale {
  return (SUPPORTED_LOCALES as readonly unknown[]).includes(value);
}
