/**
 * Acting on runs: move an `optional` run to the background from its progress dialog, cancel a
 * running task (from the panel and from the dialog), and read a failed run's error details.
 */
import { Api, type RunView } from '../support/api';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import {
  entry,
  logIn,
  openPanel,
  recorded,
  runList,
  startRecalc,
  startRecording,
  untilStatus,
} from '../support/monitor';

/** The user's newest run of a task, as the server holds it. */
async function newestRun(api: Api, task: string, category: string): Promise<RunView> {
  return until(async () => {
    const runs = await api.listRuns();
    return runs.find((r) => r.task === task && r.display['category'] === category) ?? null;
  }, `a ${task} run for ${category}`);
}

describeE2e('acting on runs', () => {
  const onward = useOnward();

  it('moves an optional run from its progress dialog to the background, where it goes on to its result', async () => {
    const { page } = onward;
    const api = await Api.as(onward.server.url, 'alice');
    await logIn(page, onward.server.url, 'alice');
    const dialog = await startRecalc(page, 'Hardware', 5);
    await shot(dialog, '10-optional-dialog');
    // In the foreground the panel does not list it yet.
    expect((await newestRun(api, 'recalculate-prices', 'Hardware')).mode).toBe('foreground');

    await dialog.getByRole('button', { name: 'Run in background' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await newestRun(api, 'recalculate-prices', 'Hardware')).mode).toBe('background');

    const panel = await openPanel(page);
    const item = entry(runList(panel), 'Recalculate prices · Hardware');
    await startRecording(page, 'recalc', 'Recalculate prices · Hardware,');
    await untilText(item, /Chunk \d+ of \d+/, 'the entry to show the chunk progress');
    await shot(panel, '11-optional-in-background');
    await untilStatus(item, 'Completed');
    const chunks = new Set(
      (await recorded(page, 'recalc')).map((s) => /Chunk (\d+) of/.exec(s.text)?.[1]).filter(Boolean),
    );
    expect(chunks.size).toBeGreaterThanOrEqual(2);
    await untilText(item, /updated/, 'the value result in the entry');
    await item.getByRole('button', { name: /^Result details of / }).click();
    const result = page.getByRole('dialog', { name: 'Result' });
    await untilText(result, /updated/, 'the value in the result dialog');
    await shot(page, '12-optional-result');
  });

  it('cancels a running task from the panel and marks it cancelled', async () => {
    const { page } = onward;
    const api = await Api.as(onward.server.url, 'alice');
    await logIn(page, onward.server.url, 'alice');
    const dialog = await startRecalc(page, 'Software', 30);
    await dialog.getByRole('button', { name: 'Run in background' }).click();
    await dialog.waitFor({ state: 'detached' });

    const panel = await openPanel(page);
    const item = entry(runList(panel), 'Recalculate prices · Software');
    await untilStatus(item, 'Running');
    await untilText(item, /Chunk \d+ of \d+/, 'the entry to show the chunk progress');
    await item.getByRole('button', { name: 'Cancel Recalculate prices · Software' }).click();
    await untilStatus(item, 'Cancelled', 10_000);
    await untilText(item, /Cancelled/, 'the cancelled mark in the entry');
    // Cancelled runs offer no Cancel any more, only Delete.
    expect(await item.getByRole('button', { name: /^Cancel / }).count()).toBe(0);
    expect((await newestRun(api, 'recalculate-prices', 'Software')).status).toBe('cancelled');
    await shot(panel, '13-cancelled');
  });

  it('cancels a foreground run inside its progress dialog', async () => {
    const { page } = onward;
    const api = await Api.as(onward.server.url, 'alice');
    await logIn(page, onward.server.url, 'alice');
    const dialog = await startRecalc(page, 'Services', 30);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    const run = await newestRun(api, 'recalculate-prices', 'Services');
    expect((await api.waitFinished(run.id, 10_000)).status).toBe('cancelled');
  });

  it("shows a failed run's error message and its details", async () => {
    const { page } = onward;
    const api = await Api.as(onward.server.url, 'alice');
    // The grid offers only known customers: the failing runs come in over the API, as a script would start them.
    const single = await api.startRun({ task: 'sales-report', parameters: { customer: 'Atlantis', year: 2024 } });
    const scheduler = await api.startRun({
      task: 'sales-report',
      rows: [
        { customer: 'Globex', year: 2025 },
        { customer: 'Atlantis', year: 2025 },
      ],
    });
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await panel.getByRole('radio', { name: /^Failed/ }).click();

    const failed = entry(runList(panel), 'Sales report · Atlantis 2024');
    await untilStatus(failed, 'Failed');
    await untilText(failed, /Unknown customer "Atlantis"/, 'the error message in the entry');
    expect((await api.getRun(single.id)).status).toBe('failed');

    const parent = runList(panel).getByRole('listitem').filter({ hasText: '2 subtasks' });
    await untilStatus(parent, 'Failed', 30_000);
    await untilText(parent, /1 of 2 subtasks failed/, 'the scheduler error message');
    await shot(panel, '14-failed-filter');

    await parent.getByRole('button', { name: /^Error details of / }).click();
    const details = page.getByRole('dialog', { name: 'Error details' });
    await details.waitFor();
    await untilText(details, /1 of 2 subtasks failed/, 'the message in the details');
    await untilText(details, /Row 2 .*Atlantis/, 'the details text naming the failed row');
    await shot(details, '15-error-details');
    await details.getByRole('button', { name: 'Copy' }).click();
    await untilText(details, /Copied/, 'the copy confirmation');
    await details.getByRole('button', { name: 'Close' }).click();
    await details.waitFor({ state: 'detached' });

    // The failed subtask is marked inside the expanded scheduler, with its own details.
    await parent.getByRole('button', { name: /^Show subtasks of / }).click();
    const subtasks = parent.getByRole('list', { name: /^Subtasks of / });
    await untilText(subtasks, /Atlantis 2025[\s\S]*Failed/, 'the failed subtask in the list');
    await untilText(subtasks, /Globex 2025[\s\S]*Completed/, 'the completed subtask in the list');
    expect((await api.getRun(scheduler.id)).status).toBe('failed');
  });
});
