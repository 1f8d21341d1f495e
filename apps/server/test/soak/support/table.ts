/** A plain-text table for the soak report (console.table prints one cell per line under Jest). */
export function formatTable(title: string, rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return `${title}\n  (none)\n`;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => (value === null || value === undefined ? '–' : String(value));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (values: string[]): string =>
    `  ${values.map((v, i) => (/^-?[\d.]+$/.test(v) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ')}`;
  return [
    title,
    line(columns),
    `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`,
    ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
    '',
  ].join('\n');
}
