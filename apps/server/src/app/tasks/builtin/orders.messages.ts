import { countFormat, type TaskMessages, UNKNOWN_CUSTOMER } from './task-messages';

/** What import-orders and export-orders tell the user while they work and when they are done. */
export interface OrdersMessages {
  reading: string;
  emptyFile: string;
  unknownCustomer(name: string): string;
  row(row: number, total: number): string;
  saving(count: number): string;
  imported(imported: number, rejected: number): string;
  counting: string;
  exporting(written: number, total: number): string;
  exported(count: number): string;
}

const en = countFormat('en');
const nl = countFormat('nl');

export const ORDERS_MESSAGES: TaskMessages<OrdersMessages> = {
  en: {
    reading: 'Reading the file',
    emptyFile: 'The file is empty',
    unknownCustomer: UNKNOWN_CUSTOMER.en,
    row: (row, total) => `Row ${en(row)} of ${en(total)}`,
    saving: (count) => `Saving ${en(count)} orders`,
    imported: (imported, rejected) => `${en(imported)} imported, ${en(rejected)} rejected`,
    counting: 'Counting orders',
    exporting: (written, total) => `${en(written)} of ${en(total)} orders`,
    exported: (count) => `${en(count)} ${count === 1 ? 'order' : 'orders'} exported`,
  },
  nl: {
    reading: 'Bestand lezen',
    emptyFile: 'Het bestand is leeg',
    unknownCustomer: UNKNOWN_CUSTOMER.nl,
    row: (row, total) => `Rij ${nl(row)} van ${nl(total)}`,
    saving: (count) => `${nl(count)} orders opslaan`,
    imported: (imported, rejected) => `${nl(imported)} geïmporteerd, ${nl(rejected)} geweigerd`,
    counting: 'Orders tellen',
    exporting: (written, total) => `${nl(written)} van ${nl(total)} orders`,
    exported: (count) => `${nl(count)} ${count === 1 ? 'order' : 'orders'} geëxporteerd`,
  },
};
