/**
 * Entries a person can read: who cancelled (an administrator cancels bob's run, bob sees it), when a
 * run started and finished and which rows a selection covers, a value's summary instead of JSON, and
 * a PDF result shown inline in a preview dialog.
 */
import { expectNoAxeViolations } from '../support/axe';
import { Api } from '../support/api';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { chooseTask, entry, logIn, openPanel, runList, selectCustomers, untilStatus } from '../support/monitor';

describeE2e('entries a person can read', () => {
  const onward = useOnward();

  it("shows bob that an administrator cancelled his run, after the administrator's confirmation", async () => {
    const { page } = onward;
    const bob = await Api.as(onward.server.url, 'bob');
    await bob.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Hardware', seconds: 60 },
      mode: 'background',
    });
    await logIn(page, onward.server.url, 'bob');
    const bobsEntry = entry(runList(await openPanel(page)), 'Recalculate prices · Hardware');
    await untilStatus(bobsEntry, 'Running');

    const adminPage = await (await onward.newContext()).newPage();
    await logIn(adminPage, onward.server.url, 'admin');
    await adminPage.getByRole('link', { name: 'Admin' }).click();
    const row = adminPage
      .getByRole('table', { name: 'All runs' })
      .getByRole('row', { name: /Recalculate prices · Hardware/ });
    const status = row.locator('td.status');
    await untilText(status, /^Running/, "bob's run running in the admin table");
    await row.getByRole('button', { name: 'Cancel Recalculate prices · Hardware of bob' }).click();
    const confirm = adminPage.getByRole('dialog', { name: "Cancel bob's run?" });
    await untilText(confirm, /an administrator cancelled it/, 'the confirmation naming the consequence');
    await shot(adminPage, '40-admin-cancel-confirm');
    await expectNoAxeViolations(adminPage);
    await confirm.getByRole('button', { name: 'Cancel run' }).click();
    await untilText(status, /^Cancelled by an administrator$/, 'the admin table to say who cancelled', 10_000);

    await untilStatus(bobsEntry, 'Cancelled by an administrator', 10_000);
    await untilText(bobsEntry, /Cancelled by an administrator/, "the cancel's author in bob's entry");
    await page
      .locator('.onward-toast .text')
      .filter({ hasText: /^Cancelled by an administrator: Recalculate prices · Hardware/ })
      .waitFor();
    await shot(page, '41-cancelled-by-admin');
    await expectNoAxeViolations(page);
  });

  it('shows when runs started and finished, and names a selection by its first rows', async () => {
    const { page } = onward;
    const alice = await Api.as(onward.server.url, 'alice');
    const rows = ['Acme', 'Globex', 'Initech', 'Umbrella'].map((customer) => ({ customer, year: 2025 }));
    const selection = await alice.startRun({ task: 'sales-report', rows });
    await alice.waitFinished(selection.id);
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const label = 'Sales report · Acme, Globex and 2 more · 2025';
    const item = entry(runList(panel), label);
    await untilStatus(item, 'Completed');

    const started = item.locator('time.started');
    const finished = item.locator('time.finished');
    // Today's time of day ("yesterday …" when the test runs across midnight).
    const timeOfDay = /^(yesterday )?\d{1,2}:\d{2}(\s?[AP]M)?$/;
    expect((await started.innerText()).trim()).toMatch(timeOfDay);
    expect((await finished.innerText()).trim()).toMatch(timeOfDay);
    // The exact date-time on hover, in the browser's locale.
    const startTitle = (await started.getAttribute('title')) ?? '';
    expect(startTitle).toMatch(/^Started \w+day, .*\d{4}.*\d{1,2}:\d{2}:\d{2}/);
    expect(await finished.getAttribute('title')).toMatch(/^Finished /);
    const startIso = (await started.getAttribute('datetime')) ?? '';
    expect(Math.abs(Date.parse(startIso) - Date.now())).toBeLessThan(5 * 60_000);
    await started.hover();
    await shot(panel, '42-times-and-selection');
    await expectNoAxeViolations(page);
  });

  it('shows what a value result came to, with the raw value behind Details', async () => {
    const { page } = onward;
    const alice = await Api.as(onward.server.url, 'alice');
    const run = await alice.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Software', seconds: 0.5 },
      mode: 'background',
    });
    const done = await alice.waitFinished(run.id);
    const { updated } = (done.result as { value: { updated: number } }).value;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const item = entry(runList(panel), 'Recalculate prices · Software');
    await untilStatus(item, 'Completed');
    const sentence = `${updated} ${updated === 1 ? 'price' : 'prices'} updated`;
    await untilText(item, new RegExp(sentence), 'the summary in the entry');
    expect(await item.innerText()).not.toContain('{');

    await item.getByRole('button', { name: /^Result details of / }).click();
    const dialog = page.getByRole('dialog', { name: 'Result' });
    await untilText(dialog, new RegExp(sentence), 'the summary in the result dialog');
    expect(await dialog.locator('pre').innerText()).toContain(`"updated": ${updated}`);
    await shot(page, '43-value-summary');
    await expectNoAxeViolations(page);
  });

  it('opens a print preview in a dialog that shows the PDF inline, with Download and Print', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    await chooseTask(page, 'Print preview');
    await selectCustomers(page, 'Acme');
    await page.getByRole('button', { name: 'Run for Acme' }).click();
    const waiting = page.getByRole('dialog', { name: /Print preview/ });
    await waiting.getByRole('button', { name: 'Open' }).click({ timeout: 30_000 });

    const preview = page.getByRole('dialog', { name: /^Print preview · Acme/ });
    const frame = preview.locator('iframe');
    await frame.waitFor();
    const src = (await frame.getAttribute('src')) ?? '';
    expect(src).toMatch(/^blob:/);
    // The PDF reached the frame: Chromium's viewer loaded it (its document is the PDF plugin's).
    const pdfFrame = await until(
      () => page.frames().find((f) => f.url() === src) ?? null,
      'the preview frame to load the PDF',
    );
    const contentType = await pdfFrame.evaluate(() => document.contentType);
    expect(contentType).toBe('application/pdf');
    expect(await preview.getByRole('button', { name: 'Download' }).isEnabled()).toBe(true);
    expect(await preview.getByRole('button', { name: 'Print' }).isEnabled()).toBe(true);
    // Chromium's PDF viewer (its extension frame) opened the document: it shows the PDF's own title.
    await until(async () => {
      const viewer = page.frames().find((f) => f.url().startsWith('chrome-extension://'));
      return (await viewer?.evaluate(() => document.title)) === 'Customer summary: Acme';
    }, "the PDF viewer to show the document's title");
    await shot(page, '44-pdf-preview');
    await expectNoAxeViolations(page);

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      preview.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
  });
});
