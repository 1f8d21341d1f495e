/**
 * Files in and out: a 30 MB file uploads with tus while the monitor shows its bytes and speed, survives
 * the browser going offline and resumes where the server's copy ends, and after a page reload when the
 * same file is chosen again; a CSV imported from the customer
 * page hands over from its upload to the import, whose report of rejected rows downloads; an export
 * downloads and opens as CSV.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';

import { Api } from '../support/api';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import {
  chooseTask,
  download,
  logIn,
  openPanel,
  recorded,
  runList,
  startRecording,
  untilStatus,
} from '../support/monitor';

const MIB = 1024 * 1024;

describeE2e('uploads, imports and exports in the monitor', () => {
  const onward = useOnward();
  const folder = mkdtempSync(join(tmpdir(), 'onward-files-'));

  /** The entry of an upload (its own icon), by its file name. */
  function uploadEntry(panel: Locator, page: Page, fileName: string): Locator {
    return runList(panel)
      .getByRole('listitem')
      .filter({ hasText: fileName })
      .filter({ has: page.locator('[data-icon="uploadFile"]') });
  }

  /** Rows of a CSV, keyed by its header. */
  function rowsOf(bytes: Buffer): Record<string, string>[] {
    return parse(bytes, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  }

  /** The tus requests a page sends, with their offsets. */
  type UploadRequest = { method: string; url: string; offset: string | undefined; at: number };

  /**
   * A file of `mib` MiB of CSV-like lines (the content does not matter to an upload), alice logged in
   * with the panel open, her uploads slowed to 3 MiB/s (localhost would finish before a test could cut
   * one off) and their requests recorded.
   */
  async function slowUploadSetup(fileName: string, mib: number) {
    const { page, context } = onward;
    const path = join(folder, fileName);
    const line = 'Acme,Widget,2025-03-01,1,9.99\n';
    writeFileSync(path, line.repeat(Math.ceil((mib * MIB) / line.length)).slice(0, mib * MIB));
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const throttled = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 3 * MIB };
    await cdp.send('Network.emulateNetworkConditions', throttled);
    const requests: UploadRequest[] = [];
    page.on('request', (req) => {
      if (!req.url().includes('/api/uploads')) return;
      requests.push({ method: req.method(), url: req.url(), offset: req.headers()['upload-offset'], at: Date.now() });
    });
    return { page, context, path, bytes: readFileSync(path), panel, cdp, throttled, requests };
  }

  it('uploads 30 MB with visible progress, waits while offline and resumes from the server offset', async () => {
    const { page, context, path, bytes, panel, cdp, throttled, requests } = await slowUploadSetup('big-orders.csv', 30);

    // The task runner's file parameter uploads the file at once and keeps its upload id.
    await chooseTask(page, 'Import orders');
    await startRecording(page, 'upload', '', 'of 30.0 MB');
    await page.locator('app-task-runner input[type=file]').setInputFiles(path);
    const item = uploadEntry(panel, page, 'big-orders.csv');
    await item.waitFor();
    await untilText(item, /of 30\.0 MB · [\d.]+ [kM]B\/s · about \d+ (sec|min) left/, 'the bytes, speed and time left');
    await shot(panel, '40-upload-running');

    // Past the first 8 MiB chunk, and well before the end: pull the plug.
    await until(async () => {
      const sent = /([\d.]+) of 30\.0 MB/.exec(await item.innerText({ timeout: 1_000 }))?.[1];
      return sent !== undefined && Number(sent) >= 9 && Number(sent) < 26;
    }, 'the upload to be past its first chunk');
    // Offline for the page (navigator.onLine, the offline event) and for the network emulation of the
    // throttling session above, which would otherwise keep sending.
    await context.setOffline(true);
    await cdp.send('Network.emulateNetworkConditions', { ...throttled, offline: true });
    const offlineAt = Date.now();
    await untilText(item, /waiting for the connection/, 'the entry to wait for the connection');
    await shot(panel, '41-upload-offline');
    await cdp.send('Network.emulateNetworkConditions', throttled);
    await context.setOffline(false);
    await untilStatus(item, 'Completed', 90_000);
    await page.getByText('big-orders.csv uploaded').waitFor();

    // The token travels in a header, never in the address.
    expect(requests.filter((r) => /token|bearer/i.test(r.url))).toEqual([]);
    // Resumed, not restarted: one creation only, and after the outage it went on from an offset past 0.
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const after = requests.filter((r) => r.at > offlineAt && r.method === 'PATCH');
    expect(after.length).toBeGreaterThan(0);
    expect(Number(after[0].offset)).toBeGreaterThanOrEqual(8 * MIB);

    // The bytes shown moved through several values on the way.
    const shown = (await recorded(page, 'upload'))
      .map((s) => /([\d.]+) of 30\.0 MB/.exec(s.text)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number);
    expect(new Set(shown.filter((v) => v > 0 && v < 30)).size).toBeGreaterThanOrEqual(3);

    // The server holds exactly the file.
    const alice = await Api.as(onward.server.url, 'alice');
    const upload = (await alice.listRuns()).find((r) => r.display['fileName'] === 'big-orders.csv');
    expect(upload?.status).toBe('completed');
    expect(upload?.result).toMatchObject({ type: 'file', size: 30 * MIB });
    const stored = await alice.result(upload?.id ?? '');
    expect(sha256(stored)).toBe(sha256(bytes));
  });

  it('resumes an upload that a page reload cut off when the same file is chosen again', async () => {
    const { page, path, bytes, panel, cdp, throttled, requests } = await slowUploadSetup('reloaded-orders.csv', 20);

    await chooseTask(page, 'Import orders');
    await page.locator('app-task-runner input[type=file]').setInputFiles(path);
    const item = uploadEntry(panel, page, 'reloaded-orders.csv');
    await until(async () => {
      const sent = /([\d.]+) of [\d.]+ MB/.exec(await item.innerText({ timeout: 1_000 }))?.[1];
      return sent !== undefined && Number(sent) >= 9 && Number(sent) < 18;
    }, 'the upload to be past its first chunk');

    // The reload cuts the upload off; its run stays, with the bytes the server has.
    await page.reload();
    const reloadedAt = Date.now();
    await cdp.send('Network.emulateNetworkConditions', { ...throttled, uploadThroughput: -1 });
    const alice = await Api.as(onward.server.url, 'alice');
    const upload = (await alice.listRuns()).find((r) => r.display['fileName'] === 'reloaded-orders.csv');
    expect(upload?.status).toBe('running');

    // The same file chosen again goes on from the server's offset, in the same run.
    await chooseTask(page, 'Import orders');
    await page.locator('app-task-runner input[type=file]').setInputFiles(path);
    await untilStatus(uploadEntry(await openPanel(page), page, 'reloaded-orders.csv'), 'Completed', 90_000);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const resumed = requests.filter((r) => r.at > reloadedAt && r.method === 'PATCH');
    expect(resumed.length).toBeGreaterThan(0);
    expect(Number(resumed[0].offset)).toBeGreaterThanOrEqual(8 * MIB);
    const runs = (await alice.listRuns()).filter((r) => r.display['fileName'] === 'reloaded-orders.csv');
    expect(runs.map((r) => [r.id, r.status])).toEqual([[upload?.id, 'completed']]);
    expect(sha256(await alice.result(upload?.id ?? ''))).toBe(sha256(bytes));
  });

  it('imports a CSV from the customer page: the upload hands over to the import, whose report downloads', async () => {
    const { page } = onward;
    // Rows in the export's own format, and two that the import must reject.
    const alice = await Api.as(onward.server.url, 'alice');
    const exported = await alice.startRun({ task: 'export-orders', parameters: { year: 2025, format: 'csv' } });
    expect((await alice.waitFinished(exported.id)).status).toBe('completed');
    const csv = (await alice.result(exported.id)).toString('utf8').replace(/^\uFEFF/, '');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(lines.length).toBeGreaterThan(10);
    const columns = header.split(',');
    const quantity = columns.findIndex((c) => /quantity/i.test(c));
    const customer = columns.findIndex((c) => /customer/i.test(c));
    expect(quantity).toBeGreaterThanOrEqual(0);
    expect(customer).toBeGreaterThanOrEqual(0);
    const spoil = (row: string, index: number, value: string) =>
      row
        .split(',')
        .map((cell, i) => (i === index ? value : cell))
        .join(',');
    const valid = lines.slice(0, 50);
    const path = join(folder, 'orders-import.csv');
    writeFileSync(
      path,
      [header, ...valid, spoil(valid[0], quantity, '0'), spoil(valid[1], customer, 'Nobody Ltd')].join('\n') + '\n',
    );

    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Import orders…' }).click(),
    ]);
    await chooser.setFiles(path);

    const upload = uploadEntry(panel, page, 'orders-import.csv');
    await untilStatus(upload, 'Completed', 30_000);
    await untilText(upload, /Handed over to Import orders/, 'the upload to hand over to the import');
    const item = runList(panel).getByRole('listitem', { name: /^Import orders/ });
    await item.waitFor();
    await untilStatus(item, 'Completed', 60_000);
    await shot(panel, '42-import-completed');

    const run = (await alice.listRuns()).find((r) => r.task === 'import-orders');
    expect(run?.progress.message).toMatch(/50\b[^]*\b2\b|2\b[^]*\b50\b/);
    const report = await download(page, () =>
      item.getByRole('button', { name: /^Download import-report\.csv$/ }).click(),
    );
    expect(report.name).toBe('import-report.csv');
    const rejected = rowsOf(report.bytes);
    expect(rejected).toHaveLength(2);
    for (const row of rejected) {
      expect(Object.keys(row)).toEqual(['line', 'status', 'reason']);
      expect(row['reason']).not.toBe('');
    }
  });

  it('exports the orders of a customer and year, and the CSV opens with just those orders', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    // The form first: the open panel floats over the page.
    const form = page.getByRole('form', { name: 'Export orders' });
    await form.getByLabel('Year').fill('2025');
    // The empty select's label lies over it: click the field, as a person does.
    await form
      .locator('mat-form-field')
      .filter({ has: page.getByRole('combobox', { name: 'Customer' }) })
      .click();
    await page.getByRole('option', { name: 'Acme', exact: true }).click();
    await form.getByRole('combobox', { name: 'Format' }).filter({ hasText: /csv/i }).waitFor();
    await form.getByRole('button', { name: 'Export orders' }).click();
    const panel = await openPanel(page);

    const item = runList(panel).getByRole('listitem', { name: /^Export orders · 2025 Acme/ });
    await item.waitFor();
    expect(await item.locator('[data-icon="exportData"]').count()).toBe(1);
    await untilStatus(item, 'Completed', 60_000);
    await shot(panel, '43-export-completed');
    const file = await download(page, () => item.getByRole('button', { name: /^Download .*\.csv$/ }).click());
    expect(file.name).toMatch(/\.csv$/);
    const rows = rowsOf(file.bytes);
    expect(rows.length).toBeGreaterThan(0);
    const customerColumn = Object.keys(rows[0]).find((c) => /customer/i.test(c));
    const dateColumn = Object.keys(rows[0]).find((c) => /date/i.test(c));
    expect(customerColumn).toBeDefined();
    expect(dateColumn).toBeDefined();
    for (const row of rows) {
      expect(row[customerColumn ?? '']).toBe('Acme');
      expect(row[dateColumn ?? '']).toMatch(/^2025-/);
    }
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
