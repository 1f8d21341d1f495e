import { countFormat, moneyFormat, type TaskMessages, UNKNOWN_CUSTOMER } from './task-messages';

/** The print preview's progress messages and the words of its PDF, per language. */
export interface PrintPreviewMessages {
  lookingUp: string;
  unknownCustomer(name: string): string;
  summarising: string;
  rendering: string;
  writing: string;
  done: string;
  title(customer: string): string;
  subject(customer: string): string;
  footer(customer: string): string;
  kicker: string;
  heading: string;
  facts: { customer: string; years: string; generated: string };
  section: string;
  columns: [string, string, string, string];
  total: string;
  note: string;
  count(value: number): string;
  money(cents: number): string;
}

export const PRINT_PREVIEW_MESSAGES: TaskMessages<PrintPreviewMessages> = {
  en: {
    lookingUp: 'Looking up customer',
    unknownCustomer: UNKNOWN_CUSTOMER.en,
    summarising: 'Summarising orders',
    rendering: 'Rendering summary',
    writing: 'Writing file',
    done: 'Done',
    title: (customer) => `Customer summary: ${customer}`,
    subject: (customer) => `Orders and revenue of ${customer} per year`,
    footer: (customer) => `Onward · Print preview · ${customer}`,
    kicker: 'Onward demo trading · Print preview',
    heading: 'Customer summary',
    facts: { customer: 'Customer', years: 'Years', generated: 'Generated' },
    section: 'Orders and revenue per year',
    columns: ['Year', 'Orders', 'Units', 'Revenue'],
    total: 'Total',
    note: 'Amounts are in US dollars, after volume discounts.',
    count: countFormat('en'),
    money: moneyFormat('en-US'),
  },
  nl: {
    lookingUp: 'Klant opzoeken',
    unknownCustomer: UNKNOWN_CUSTOMER.nl,
    summarising: 'Orders samenvatten',
    rendering: 'Overzicht opmaken',
    writing: 'Bestand schrijven',
    done: 'Klaar',
    title: (customer) => `Klantoverzicht: ${customer}`,
    subject: (customer) => `Orders en omzet van ${customer} per jaar`,
    footer: (customer) => `Onward · Afdrukvoorbeeld · ${customer}`,
    kicker: 'Onward demohandel · Afdrukvoorbeeld',
    heading: 'Klantoverzicht',
    facts: { customer: 'Klant', years: 'Jaren', generated: 'Gemaakt' },
    section: 'Orders en omzet per jaar',
    columns: ['Jaar', 'Orders', 'Stuks', 'Omzet'],
    total: 'Totaal',
    note: 'Bedragen in Amerikaanse dollars, na staffelkorting.',
    count: countFormat('nl'),
    money: moneyFormat('nl-NL'),
  },
};
