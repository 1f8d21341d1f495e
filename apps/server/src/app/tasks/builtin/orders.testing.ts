/** Test support for the orders import and export (no jest globals). */

/** `count` valid order lines with references `${prefix}-000001`…, spread over the demo customers and products. */
export function orderLines(count: number, prefix = 'IM'): string[] {
  const customers = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'];
  const products = ['Laptop Pro 14', 'Training Day', '"Antivirus, 1 Year"', 'Cloud Backup 1 TB'];
  return Array.from({ length: count }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    return `${prefix}-${String(i + 1).padStart(6, '0')},2025-03-${day},${customers[i % 5]},${products[i % 4]},${(i % 9) + 1},${(i % 500) + 10}.50`;
  });
}
