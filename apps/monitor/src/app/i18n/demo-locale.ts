/** The demo host's language: the visitor's choice (EN / NL in the toolbar), else the browser's. */
export type DemoLocale = 'en' | 'nl';

const STORAGE_KEY = 'onward.demo.locale';

/** The stored choice, else Dutch for a browser whose first language is Dutch, else English. */
export function demoLocale(): DemoLocale {
  const stored = readStored();
  if (stored) return stored;
  const language = typeof navigator === 'undefined' ? '' : (navigator.language ?? '');
  return language.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

/** Stores the choice and reloads: texts are translated when the page loads, not while it runs. */
export function chooseDemoLocale(locale: DemoLocale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage refused (private mode): the reload then falls back to the browser's language.
  }
  location.reload();
}

function readStored(): DemoLocale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'nl' ? value : null;
  } catch {
    return null;
  }
}
