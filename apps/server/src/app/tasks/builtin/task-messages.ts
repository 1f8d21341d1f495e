import type { OnwardLocale } from '@onward/task-domain';

/**
 * A built-in task's texts in every language Onward ships, as data: one entry per locale, each the
 * same shape, so that the compiler refuses a table that misses a language or a message.
 */
export type TaskMessages<T> = Readonly<Record<OnwardLocale, T>>;

/** The failure of a task given a customer that does not exist, shared by the tasks that take one. */
export const UNKNOWN_CUSTOMER: TaskMessages<(name: string) => string> = {
  en: (name) => `Unknown customer "${name}"`,
  nl: (name) => `Onbekende klant "${name}"`,
};

/** Whole numbers as `locale` writes them: 12345 → "12,345" in English, "12.345" in Dutch. */
export function countFormat(locale: OnwardLocale): (value: number) => string {
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return (value) => format.format(value);
}

/** Amounts in cents as `locale` writes US dollars: "$1,499.00", "US$ 1.499,00". */
export function moneyFormat(locale: string): (cents: number) => string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' });
  return (cents) => format.format(cents / 100);
}
