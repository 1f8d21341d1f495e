import { countFormat, type TaskMessages } from './task-messages';

/** What recalculate-prices tells the user while it works and when it is done. */
export interface RecalculatePricesMessages {
  chunk(chunk: number, chunks: number): string;
  updated(count: number): string;
  summary(count: number): string;
  unknownCategory(name: string): string;
  knownCategories(names: string[]): string;
}

const en = countFormat('en');
const nl = countFormat('nl');

export const RECALCULATE_PRICES_MESSAGES: TaskMessages<RecalculatePricesMessages> = {
  en: {
    chunk: (chunk, chunks) => `Chunk ${en(chunk)} of ${en(chunks)}`,
    updated: (count) => `Updated ${en(count)} prices`,
    summary: (count) => `${en(count)} ${count === 1 ? 'price' : 'prices'} updated`,
    unknownCategory: (name) => `Unknown category "${name}"`,
    knownCategories: (names) => `Known categories: ${names.join(', ')}`,
  },
  nl: {
    chunk: (chunk, chunks) => `Deel ${nl(chunk)} van ${nl(chunks)}`,
    updated: (count) => `${nl(count)} prijzen bijgewerkt`,
    summary: (count) => `${nl(count)} ${count === 1 ? 'prijs' : 'prijzen'} bijgewerkt`,
    unknownCategory: (name) => `Onbekende categorie "${name}"`,
    knownCategories: (names) => `Bekende categorieën: ${names.join(', ')}`,
  },
};
