/**
 * A run started in a dialog is never lost (a reload brings its dialog back, other windows list it,
 * a closed dialog leaves it in the monitor with its result), and deleting is safe: a running run
 * asks first, a finished one can be brought back with Undo for a few seconds.
 */
import { expectNoAxeViolations } from '../support/axe';
import { Api, type RunView } from '../support/api';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { entry, logIn, openPanel, runList, startRecalc, untilStatus } from '../support/monitor';

async function runOf(api: Api, category: string): Promise<RunView> {
  return until(
    async () => (await api.listRuns()).find((r) => r.display['category'] === category) ?? null,
    `the run for ${category} in GET /api/runs`,
  );
}

/** The server's answer for a run: its status, or 404 once deleted. */
async function serverStatus(api: Api, id: string): Promise<string> {
  return api.getRun(id).then(
    (run) => run.status,
    (error: Error) => (/answered 404/.test(error.message) ? 'gone' : Promise.reject(error)),
  );
}

describeE2e('foreground runs and safe actions', () => {
  const onward = useOnward();

  it('brings a foreground run back as its dialog after a reload, lists it in other windows and keeps its result', async () => {
    const { page, server } = onward;
    const api = await Api.as(server.url, 'alice');
    await logIn(page, server.url, 'alice');
    await startRecalc(page, 'Software', 8);
    // GET /api/runs without a mode lists the foreground run.
    const run = await runOf(api, 'Software');
    expect(run.mode).toBe('foreground');

    await page.reload();
    const dialog = page.getByRole('dialog', { name: /Recalculate prices/ });
    await untilText(dialog, /Chunk \d+ of \d+/, 'the dialog to come back with the chunk progress');
    await shot(dialog, '40-foreground-dialog-after-reload');
    await expectNoAxeViolations(page);

    // Another window of the same user (no dialog there) lists it, saying where it was started.
    const other = await onward.context.newPage();
    await logIn(other, server.url, 'alice');
    const otherPanel = await openPanel(other);
    const listed = entry(runList(otherPanel), 'Recalculate prices · Software');
    await untilText(listed, /Started in the foreground/, 'the other window to list the foreground run');
    await shot(otherPanel, '41-foreground-run-in-other-window');
    await expectNoAxeViolations(other);

    // The dialog shows the result; once closed, the monitor of this window lists the run with it.
    await untilText(dialog, /updated/, 'the dialog to show the result', 40_000);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    const item = entry(runList(await openPanel(page)), 'Recalculate prices · Software');
    await untilStatus(item, 'Completed');
    expect(await item.getByRole('button', { name: /^Result details of / }).count()).toBe(1);
    await untilStatus(listed, 'Completed');

    // A reload after the end opens no dialog: the run stays in the monitor.
    await page.reload();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await untilStatus(entry(runList(await openPanel(page)), 'Recalculate prices · Software'), 'Completed');
    expect(await page.getByRole('dialog', { name: /Recalculate prices/ }).count()).toBe(0);
  });

  it('asks before deleting a running run, keeps rows under the pointer, and offers Undo for a finished one', async () => {
    const { page, server } = onward;
    const api = await Api.as(server.url, 'bob');
    const quick = async (category: string) => {
      const run = await api.startRun({
        task: 'recalculate-prices',
        parameters: { category, seconds: 0.5 },
        mode: 'background',
      });
      return api.waitFinished(run.id);
    };
    const older = await quick('Services');
    const done = await quick('Software');
    const running = await api.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Hardware', seconds: 60 },
      mode: 'background',
    });
    await logIn(page, server.url, 'bob');
    const list = runList(await openPanel(page));
    const runningItem = entry(list, 'Recalculate prices · Hardware');
    const doneItem = entry(list, 'Recalculate prices · Software');
    const olderItem = entry(list, 'Recalculate prices · Services');
    await untilStatus(runningItem, 'Running');
    await untilStatus(doneItem, 'Completed');

    // Running: a question first; "Keep" keeps it.
    await runningItem.getByRole('button', { name: /^Delete/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Stop and delete this run?' });
    await untilText(confirm, /is still running/, 'the confirmation to say the run is still running');
    await shot(confirm, '42-delete-running-confirm');
    await expectNoAxeViolations(page);
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await serverStatus(api, running.id)).toBe('running');
    await runningItem.getByRole('button', { name: /^Delete/ }).click();
    await confirm.getByRole('button', { name: 'Stop and delete' }).click();
    await until(async () => (await serverStatus(api, running.id)) === 'gone', 'the running run to be deleted');
    await runningItem.waitFor({ state: 'detached' });

    // Finished: gone from the list at once (a double click does no harm), and the row below stays
    // where it was until the pointer leaves the list.
    const before = await olderItem.boundingBox();
    await doneItem.getByRole('button', { name: /^Delete/ }).dblclick();
    const toast = page.locator('.onward-toast').filter({ hasText: 'Deleted: Recalculate prices · Software' });
    await toast.waitFor();
    await until(async () => (await doneItem.count()) === 0, 'the finished run to leave the list');
    expect((await olderItem.boundingBox())?.y).toBe(before?.y);
    await shot(page, '43-delete-undo-toast');
    await expectNoAxeViolations(page);
    await page.mouse.move(5, 5);
    await until(
      async () => ((await olderItem.boundingBox())?.y ?? 0) < (before?.y ?? 0),
      'the rows to close up once the pointer left the list',
    );

    // Undo brings it back; the server never deleted it.
    await toast.getByRole('button', { name: 'Undo' }).click();
    await untilStatus(doneItem, 'Completed');
    expect(await serverStatus(api, done.id)).toBe('completed');
    expect(await page.getByText(/not found|[0-9a-f]{8}-[0-9a-f]{4}/).count()).toBe(0);

    // Without Undo it is deleted on the server once the toast has gone.
    await doneItem.getByRole('button', { name: /^Delete/ }).click();
    await until(async () => (await serverStatus(api, done.id)) === 'gone', 'the finished run to be deleted', 15_000);
    expect(await page.getByText(/could not be deleted/).count()).toBe(0);
    expect(await serverStatus(api, older.id)).toBe('completed');

    // Leaving the page within the Undo time still deletes (well before the toast would have gone).
    await olderItem.getByRole('button', { name: /^Delete/ }).click();
    const left = Date.now();
    await page.reload();
    await until(async () => (await serverStatus(api, older.id)) === 'gone', 'the run to be deleted on leaving');
    expect(Date.now() - left).toBeLessThan(4_000);
  });
});
