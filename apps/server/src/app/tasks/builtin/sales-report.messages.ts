import { countFormat, moneyFormat as money, type TaskMessages, UNKNOWN_CUSTOMER } from './task-messages';

/** The sales report's progress messages and the words of its PDF, per language. */
export interface SalesReportMessages {
  lookingUp: string;
  unknownCustomer(name: string): string;
  loading: string;
  renderingHeading: string;
  renderingTable: string;
  renderingRows(drawn: number, total: number): string;
  totalsStep: string;
  writing: string;
  done: string;
  title(customer: string, year: number): string;
  subject(customer: string, year: number): string;
  footer(customer: string, year: number): string;
  kicker: string;
  heading: string;
  facts: { customer: string; year: string; period: string; generated: string };
  period(year: number): string;
  ordersIn(year: number): string;
  continued(customer: string, year: number): string;
  noOrders(year: number): string;
  columns: [string, string, string, string, string, string];
  totals: { orders: string; units: string; average: string; revenue: string };
  note: string;
  count(value: number): string;
  money(cents: number): string;
}

export const SALES_REPORT_MESSAGES: TaskMessages<SalesReportMessages> = {
  en: {
    lookingUp: 'Looking up customer',
    unknownCustomer: UNKNOWN_CUSTOMER.en,
    loading: 'Loading orders',
    renderingHeading: 'Rendering heading',
    renderingTable: 'Rendering table',
    renderingRows: (drawn, total) => `Rendering table: ${drawn} of ${total} orders`,
    totalsStep: 'Totals',
    writing: 'Writing file',
    done: 'Done',
    title: (customer, year) => `Sales report: ${customer}, ${year}`,
    subject: (customer, year) => `Orders of ${customer} in ${year}`,
    footer: (customer, year) => `Onward · Sales report · ${customer} · ${year}`,
    kicker: 'Onward demo trading',
    heading: 'Sales report',
    facts: { customer: 'Customer', year: 'Year', period: 'Period', generated: 'Generated' },
    period: (year) => `01 Jan – 31 Dec ${year}`,
    ordersIn: (year) => `Orders in ${year}`,
    continued: (customer, year) => `Orders of ${customer} in ${year} (continued)`,
    noOrders: (year) => `No orders in ${year}`,
    columns: ['Order', 'Date', 'Product', 'Quantity', 'Unit price', 'Amount'],
    totals: { orders: 'Orders', units: 'Units', average: 'Average order', revenue: 'Revenue' },
    note: 'Amounts are in US dollars: quantity × unit price, after volume discounts.',
    count: countFormat('en'),
    money: money('en-US'),
  },
  nl: {
    lookingUp: 'Klant opzoeken',
    unknownCustomer: UNKNOWN_CUSTOMER.nl,
    loading: 'Orders laden',
    renderingHeading: 'Kop opmaken',
    renderingTable: 'Tabel opmaken',
    renderingRows: (drawn, total) => `Tabel opmaken: ${drawn} van ${total} orders`,
    totalsStep: 'Totalen',
    writing: 'Bestand schrijven',
    done: 'Klaar',
    title: (customer, year) => `Verkooprapport: ${customer}, ${year}`,
    subject: (customer, year) => `Orders van ${customer} in ${year}`,
    footer: (customer, year) => `Onward · Verkooprapport · ${customer} · ${year}`,
    kicker: 'Onward demohandel',
    heading: 'Verkooprapport',
    facts: { customer: 'Klant', year: 'Jaar', period: 'Periode', generated: 'Gemaakt' },
    period: (year) => `01 jan – 31 dec ${year}`,
    ordersIn: (year) => `Orders in ${year}`,
    continued: (customer, year) => `Orders van ${customer} in ${year} (vervolg)`,
    noOrders: (year) => `Geen orders in ${year}`,
    columns: ['Order', 'Datum', 'Product', 'Aantal', 'Stukprijs', 'Bedrag'],
    totals: { orders: 'Orders', units: 'Stuks', average: 'Gemiddelde order', revenue: 'Omzet' },
    note: 'Bedragen in Amerikaanse dollars: aantal × stukprijs, na staffelkorting.',
    count: countFormat('nl'),
    money: money('nl-NL'),
  },
};
