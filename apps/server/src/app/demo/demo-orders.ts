/** How many demo orders an empty database gets by default (20–40 per customer and year, as drawn). */
export const DEFAULT_DEMO_ORDERS = 291;
