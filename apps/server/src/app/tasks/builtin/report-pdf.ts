import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import PDFDocument from 'pdfkit';

/**
 * Drawing helpers shared by the built-in reports: an A4 business layout with a heading, tables whose
 * header repeats on every page, a totals box and a footer. Only pdfkit's standard fonts are used, so
 * nothing has to be shipped with the server.
 * Kept in one file past the usual size: the table, totals box, heading and footer all draw with the same
 * private layout (margin, colours, `drawInBox`), which a split would have to export to the rest of the server.
 */
export type PdfDocument = PDFKit.PDFDocument;

const MARGIN = 50;
const COLOURS = {
  ink: '#1f2933',
  muted: '#6b7683',
  accent: '#1f4e79',
  band: '#f2f5f8',
  rule: '#cfd6de',
  onAccent: '#ffffff',
} as const;

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Integer cents as US dollars, e.g. 123456 → "$1,234.56". */
export function formatMoney(cents: number): string {
  return usd.format(cents / 100);
}

/** A whole number with thousands separators, e.g. 12345 → "12,345". */
export function formatCount(value: number): string {
  return count.format(value);
}

function contentWidth(doc: PdfDocument): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function drawFooter(doc: PdfDocument, text: string, pageNumber: number): void {
  const { x, y } = doc;
  // The footer sits in the bottom margin; without lifting the margin, pdfkit would start a new page.
  const bottomMargin = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const lineY = doc.page.height - MARGIN + 14;
  doc
    .moveTo(left, lineY)
    .lineTo(left + width, lineY)
    .lineWidth(0.5)
    .strokeColor(COLOURS.rule)
    .stroke();
  doc.font('Helvetica').fontSize(8).fillColor(COLOURS.muted);
  drawInBox(doc, text, left, lineY + 6, width - 60, 'left');
  drawInBox(doc, `Page ${pageNumber}`, left, lineY + 6, width, 'right');
  doc.page.margins.bottom = bottomMargin;
  doc.x = x;
  doc.y = y;
}

/**
 * A new A4 document with `footer` and the page number on every page. Pages are not buffered: each
 * is written out as soon as the next begins, so a long report never sits in memory whole.
 */
export function createReportDocument(meta: { title: string; subject: string; footer: string }): PdfDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    info: { Title: meta.title, Subject: meta.subject, Author: 'Onward', Creator: 'Onward' },
  });
  let pageNumber = 0;
  doc.on('pageAdded', () => drawFooter(doc, meta.footer, ++pageNumber));
  doc.addPage();
  return doc;
}

/**
 * Streams `doc` into `out` while `draw` fills it, then ends it and waits until `out` has finished.
 * When `draw` throws (a cancel, say), the document is destroyed and the error rethrown, so a
 * half-written file is never passed off as complete.
 */
export async function streamPdf(doc: PdfDocument, out: Writable, draw: () => Promise<void>): Promise<void> {
  const written = pipeline(doc, out);
  // Observed at once: a write error that comes while `draw` still runs must not be an unhandled rejection.
  written.catch(() => undefined);
  try {
    await draw();
  } catch (error) {
    doc.destroy(error instanceof Error ? error : new Error(String(error)));
    await written.catch(() => undefined);
    throw error;
  }
  doc.end();
  await written;
}

/** Starts a new page unless `height` more points fit on this one. */
export function ensureSpace(doc: PdfDocument, height: number): void {
  if (doc.y + height > doc.page.maxY()) doc.addPage();
}

/** The report's heading: a small kicker line, the title, and label/value facts side by side. */
export function drawHeading(
  doc: PdfDocument,
  heading: { kicker: string; title: string; facts: [string, string][] },
): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  doc.font('Helvetica-Bold').fontSize(8).fillColor(COLOURS.accent);
  doc.text(heading.kicker.toUpperCase(), left, doc.page.margins.top, { characterSpacing: 1.2 });
  doc.moveDown(0.4);
  doc.font('Helvetica-Bold').fontSize(22).fillColor(COLOURS.ink).text(heading.title, left);
  doc.moveDown(0.6);

  const top = doc.y;
  const factWidth = width / Math.max(1, heading.facts.length);
  heading.facts.forEach(([label, value], i) => {
    const x = left + i * factWidth;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(COLOURS.muted)
      .text(label.toUpperCase(), x, top, {
        width: factWidth - 10,
        characterSpacing: 0.6,
      });
    doc.font('Helvetica-Bold').fontSize(11).fillColor(COLOURS.ink);
    drawInBox(doc, value, x, top + 12, factWidth - 10, 'left');
  });
  const ruleY = top + 34;
  doc
    .moveTo(left, ruleY)
    .lineTo(left + width, ruleY)
    .lineWidth(1.5)
    .strokeColor(COLOURS.accent)
    .stroke();
  doc.x = left;
  doc.y = ruleY + 18;
}

/** A section title; kept on the same page as at least `keepWith` points of what follows it. */
export function drawSectionTitle(doc: PdfDocument, title: string, keepWith = 60): void {
  ensureSpace(doc, 24 + keepWith);
  const left = doc.page.margins.left;
  doc.font('Helvetica-Bold').fontSize(12).fillColor(COLOURS.ink).text(title, left, doc.y);
  doc.y += 6;
}

export interface TableColumn {
  header: string;
  /** Share of the content width; the shares of a table's columns are normalised to fill it. */
  weight: number;
  align?: 'left' | 'right';
}

const ROW_HEIGHT = 18;
const HEADER_HEIGHT = 20;
const CELL_PADDING = 6;

/**
 * A table drawn row by row, so a handler can check for a cancel and report progress in between.
 * When a row does not fit, it starts a new page and repeats the header (and the continuation title)
 * there first.
 */
export class PdfTable {
  private readonly widths: number[];
  private rowsDrawn = 0;

  constructor(
    private readonly doc: PdfDocument,
    private readonly columns: TableColumn[],
    private readonly continuationTitle?: string,
  ) {
    const total = columns.reduce((sum, c) => sum + c.weight, 0);
    this.widths = columns.map((c) => (contentWidth(doc) * c.weight) / total);
    ensureSpace(doc, HEADER_HEIGHT + 3 * ROW_HEIGHT);
    this.drawHeader();
  }

  /** Adds one row; `emphasis` sets it in bold over a rule (a total line). */
  addRow(cells: string[], emphasis = false): void {
    const doc = this.doc;
    if (doc.y + ROW_HEIGHT > doc.page.maxY()) {
      doc.addPage();
      if (this.continuationTitle) {
        doc
          .font('Helvetica')
          .fontSize(9)
          .fillColor(COLOURS.muted)
          .text(this.continuationTitle, doc.page.margins.left, doc.page.margins.top);
        doc.y += 4;
      }
      this.drawHeader();
    }
    const left = doc.page.margins.left;
    const top = doc.y;
    const width = contentWidth(doc);
    if (emphasis) {
      doc
        .moveTo(left, top)
        .lineTo(left + width, top)
        .lineWidth(1)
        .strokeColor(COLOURS.ink)
        .stroke();
    } else if (this.rowsDrawn % 2 === 1) {
      doc.rect(left, top, width, ROW_HEIGHT).fill(COLOURS.band);
    }
    doc
      .font(emphasis ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor(COLOURS.ink);
    this.drawCells(cells, top);
    doc.y = top + ROW_HEIGHT;
    this.rowsDrawn++;
  }

  /** Closes the table with a rule and leaves some space below it. */
  end(): void {
    const doc = this.doc;
    const left = doc.page.margins.left;
    doc
      .moveTo(left, doc.y)
      .lineTo(left + contentWidth(doc), doc.y)
      .lineWidth(0.5)
      .strokeColor(COLOURS.rule)
      .stroke();
    doc.x = left;
    doc.y += 16;
  }

  private drawHeader(): void {
    const doc = this.doc;
    const left = doc.page.margins.left;
    const top = doc.y;
    doc.rect(left, top, contentWidth(doc), HEADER_HEIGHT).fill(COLOURS.accent);
    doc.font('Helvetica-Bold').fontSize(9).fillColor(COLOURS.onAccent);
    this.drawCells(
      this.columns.map((c) => c.header),
      top + 1,
    );
    doc.y = top + HEADER_HEIGHT;
    this.rowsDrawn = 0;
  }

  private drawCells(cells: string[], top: number): void {
    let x = this.doc.page.margins.left;
    this.columns.forEach((column, i) => {
      const width = this.widths[i] ?? 0;
      drawInBox(this.doc, cells[i] ?? '', x + CELL_PADDING, top + 5, width - 2 * CELL_PADDING, column.align ?? 'left');
      x += width;
    });
  }
}

/** `text` shortened with an ellipsis until it fits `width` in the current font. */
export function fitText(doc: PdfDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let fitted = text;
  while (fitted.length > 0 && doc.widthOfString(`${fitted}…`) > width) fitted = fitted.slice(0, -1);
  return `${fitted.trimEnd()}…`;
}

/**
 * One line of text in a box, never wrapped: pdfkit breaks a word that is wider than `width` onto a
 * next line (even with `lineBreak: false`), which pushes a table row off its page. Placing the
 * fitted text ourselves keeps every cell on its row.
 */
function drawInBox(doc: PdfDocument, text: string, x: number, y: number, width: number, align: 'left' | 'right'): void {
  const fitted = fitText(doc, text, width);
  const offset = align === 'right' ? width - doc.widthOfString(fitted) : 0;
  doc.text(fitted, x + offset, y, { lineBreak: false });
}

/** A boxed list of label/value lines at the right of the page; the last line is the grand total. */
export function drawTotals(doc: PdfDocument, lines: [string, string][]): void {
  const lineHeight = 20;
  const boxWidth = 260;
  const boxHeight = lines.length * lineHeight + 16;
  ensureSpace(doc, boxHeight);
  const x = doc.page.margins.left + contentWidth(doc) - boxWidth;
  const top = doc.y;
  doc.roundedRect(x, top, boxWidth, boxHeight, 4).fillAndStroke(COLOURS.band, COLOURS.rule);
  lines.forEach(([label, value], i) => {
    const y = top + 8 + i * lineHeight;
    const last = i === lines.length - 1;
    if (last && lines.length > 1) {
      doc
        .moveTo(x + 12, y - 2)
        .lineTo(x + boxWidth - 12, y - 2)
        .lineWidth(0.5)
        .strokeColor(COLOURS.rule)
        .stroke();
    }
    doc.font(last ? 'Helvetica-Bold' : 'Helvetica').fontSize(last ? 12 : 10);
    doc.fillColor(last ? COLOURS.ink : COLOURS.muted);
    drawInBox(doc, label, x + 12, y + 4, 120, 'left');
    doc.fillColor(COLOURS.ink);
    drawInBox(doc, value, x + 12, y + 4, boxWidth - 24, 'right');
  });
  doc.x = doc.page.margins.left;
  doc.y = top + boxHeight + 16;
}

/** A line of small print (notes, generation time) at the current position. */
export function drawNote(doc: PdfDocument, text: string): void {
  ensureSpace(doc, 20);
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(COLOURS.muted)
    .text(text, doc.page.margins.left, doc.y, { width: contentWidth(doc) });
}
