import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pdfPageCount, pdfText } from './builtin-tasks.testing';
import {
  createReportDocument,
  drawHeading,
  fitText,
  formatCount,
  formatMoney,
  PdfTable,
  streamPdf,
} from './report-pdf';

describe('formatMoney and formatCount', () => {
  it('formats integer cents as dollars with separators', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney(123_456)).toBe('$1,234.56');
    expect(formatMoney(100_000_000_01)).toBe('$100,000,000.01');
    expect(formatMoney(-2_50)).toBe('-$2.50');
  });

  it('formats counts with thousands separators', () => {
    expect(formatCount(7)).toBe('7');
    expect(formatCount(12_345)).toBe('12,345');
  });
});

describe('PDF helpers', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onward-report-pdf-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const newDocument = () => createReportDocument({ title: 'T', subject: 'S', footer: 'Footer text' });

  it('shortens text that does not fit, and leaves text that fits alone', () => {
    const doc = newDocument();
    doc.font('Helvetica').fontSize(9);
    expect(fitText(doc, 'Short', 100)).toBe('Short');
    const fitted = fitText(doc, 'A product name far too long for its narrow column', 80);
    expect(fitted.endsWith('…')).toBe(true);
    expect(doc.widthOfString(fitted)).toBeLessThanOrEqual(80);
  });

  it('breaks a long table across pages, repeating its header and the footer on each', async () => {
    const path = join(dir, 'long-table.pdf');
    const doc = newDocument();
    await streamPdf(doc, createWriteStream(path), async () => {
      drawHeading(doc, { kicker: 'Test', title: 'Long table', facts: [['Rows', '100']] });
      const table = new PdfTable(
        doc,
        [
          { header: 'Row', weight: 1 },
          { header: 'Label', weight: 3 },
          { header: 'Value', weight: 1, align: 'right' },
        ],
        'Long table (continued)',
      );
      for (let i = 1; i <= 100; i++)
        table.addRow([`R${String(i).padStart(3, '0')}`, `Label of row ${i}`, formatMoney(i * 100)]);
      table.end();
    });
    const bytes = await readFile(path);
    const pages = pdfPageCount(bytes);
    expect(pages).toBeGreaterThanOrEqual(3);
    if (pdfText(path) === null) return;
    const seen = new Set<string>();
    for (let page = 1; page <= pages; page++) {
      const text = pdfText(path, page) ?? '';
      expect(text).toMatch(/Row\s+Label\s+Value/);
      expect(text).toContain('Footer text');
      expect(text).toContain(`Page ${page}`);
      for (const match of text.matchAll(/R\d{3}/g)) seen.add(match[0]);
    }
    // Every row once, none lost or cut at a page break.
    expect(seen.size).toBe(100);
  });

  it('destroys the output when drawing fails, and rethrows the failure', async () => {
    const out = createWriteStream(join(dir, 'failed.pdf'));
    const failure = new Error('cancelled');
    await expect(
      streamPdf(newDocument(), out, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(out.destroyed).toBe(true);
    expect(out.writableFinished).toBe(false);
  });
});
