import { procedureTask } from '../procedures/procedure-task';

/**
 * The yearly sales summary, rebuilt by the PL/pgSQL procedure `rebuild_sales_summary` (installed by
 * the `SalesSummary` migration) month by month, with its progress reported from SQL. PostgreSQL only.
 */
export const rebuildSalesSummaryTask = procedureTask({
  id: 'rebuild-sales-summary',
  title: 'Rebuild sales summary',
  kind: 'task',
  awaitResult: 'no',
  background: true,
  parameters: [{ name: 'year', label: 'Year', type: 'integer', required: true, min: 2000, max: 2100 }],
  displayParameters: ['year'],
  translations: { nl: { title: 'Verkoopoverzicht herbouwen', parameters: { year: { label: 'Jaar' } } } },
  procedure: 'rebuild_sales_summary',
});
