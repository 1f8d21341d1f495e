import type { ProductCategory } from './product.entity';

/** The demo customers, with how much of their spending goes to each category (relative weights). */
export const DEMO_CUSTOMERS: readonly { name: string; mix: Record<ProductCategory, number> }[] = [
  { name: 'Acme', mix: { Hardware: 5, Software: 2, Services: 1 } },
  { name: 'Globex', mix: { Hardware: 1, Software: 5, Services: 2 } },
  { name: 'Initech', mix: { Hardware: 2, Software: 2, Services: 4 } },
  { name: 'Umbrella', mix: { Hardware: 3, Software: 3, Services: 3 } },
  { name: 'Stark', mix: { Hardware: 4, Software: 1, Services: 3 } },
];

/** The demo catalogue; prices are list prices in cents. */
export const DEMO_PRODUCTS: readonly { name: string; category: ProductCategory; basePriceCents: number }[] = [
  { name: 'Laptop Pro 14', category: 'Hardware', basePriceCents: 149_900 },
  { name: '27-inch Monitor', category: 'Hardware', basePriceCents: 32_900 },
  { name: 'Docking Station', category: 'Hardware', basePriceCents: 18_900 },
  { name: 'Keyboard and Mouse Set', category: 'Hardware', basePriceCents: 7_900 },
  { name: 'Office Suite Licence', category: 'Software', basePriceCents: 12_900 },
  { name: 'Antivirus, 1 Year', category: 'Software', basePriceCents: 4_900 },
  { name: 'CAD Studio Licence', category: 'Software', basePriceCents: 89_900 },
  { name: 'Cloud Backup 1 TB', category: 'Software', basePriceCents: 9_900 },
  { name: 'On-site Support Hour', category: 'Services', basePriceCents: 9_500 },
  { name: 'Installation Visit', category: 'Services', basePriceCents: 25_000 },
  { name: 'Training Day', category: 'Services', basePriceCents: 120_000 },
  { name: 'Consulting Day', category: 'Services', basePriceCents: 145_000 },
];

/** The years that have orders; every customer gets 20–40 orders in each. */
export const DEMO_YEARS: readonly number[] = [2024, 2025];

/** The largest quantity of one order line, per category (licences come by the dozen, laptops do not). */
export const MAX_QUANTITY: Record<ProductCategory, number> = { Hardware: 12, Software: 30, Services: 16 };

/** List prices of a later year are this much higher per year after the first. */
export const YEARLY_PRICE_RISE = 0.04;
