/**
 * Running a finished run again from its entry (as it was, with a changed year, or over a selection's
 * failed rows), the lines about time (stalled, time left, place in the queue) and the running count
 * in the browser tab.
 */
import { Api, type RunView } from '../support/api';
import { expectNoAxeViolations } from '../support/axe';
import { describeE2e, openedDialog, shot, until, untilText, useOnward } from '../support/browser';
import { entry, logIn, openPanel, runList, untilStatus } from '../support/monitor';

/** The fields of the contract's RunView these tests read beyond the support client's. */
type RerunView = RunView & { rerunOf?: string | null; scheduler: { total: number } | null };

describeE2e('run again, and the lines about time', () => {
  // One run of a user at a time: the queue test's runs wait behind each other.
  const onward = useOnward({ ONWARD_BENCH_TASKS: 'true', ONWARD_STALL_WARNING_S: '2', ONWARD_USER_CONCURRENCY: '1' });

  async function rerunsOf(api: Api, id: string): Promise<RerunView[]> {
    return ((await api.listRuns()) as RerunView[]).filter((run) => run.rerunOf === id);
  }

  it('changes the year of a sales report and runs it again as a new run with that year', async () => {
    const { page } = onward;
    const alice = await Api.as(onward.server.url, 'alice');
    const first = await alice.startRun({
      task: 'sales-report',
      parameters: { customer: 'Acme', year: 2024 },
      mode: 'background',
    });
    await alice.waitFinished(first.id);
    await logIn(page, onward.server.url, 'alice');
    const list = runList(await openPanel(page));
    const original = entry(list, 'Sales report · Acme 2024');
    await untilStatus(original, 'Completed');

    await original.getByRole('button', { name: 'Change and run again: Sales report · Acme 2024' }).click();
    // Typing before the dialog has focused its first field could land in Customer instead of Year.
    const dialog = await openedDialog(page, 'Change and run again');
    expect(await dialog.getByLabel('Customer').inputValue()).toBe('Acme');
    const year = dialog.getByLabel('Year');
    expect(await year.inputValue()).toBe('2024');
    // A required year left empty is named at the field, and nothing starts.
    await year.fill('');
    await dialog.getByRole('button', { name: 'Run again' }).click();
    await untilText(dialog, /Year is required/, 'the field error under Year');
    await shot(page, '50-change-and-run-again');
    await expectNoAxeViolations(page);
    await year.fill('2025');
    await dialog.getByRole('button', { name: 'Run again' }).click();
    await dialog.waitFor({ state: 'detached' });

    const again = entry(list, 'Sales report · Acme 2025');
    await untilStatus(again, 'Completed');
    await untilText(again, /Repeats the run of /, 'the new entry naming the run it repeats');
    const [rerun] = await until(async () => {
      const found = await rerunsOf(alice, first.id);
      return found.length > 0 ? found : null;
    }, 'the new run on the server');
    expect(rerun.display).toEqual({ customer: 'Acme', year: 2025 });
  });

  it('retries only the failed row of a selection', async () => {
    const { page } = onward;
    const alice = await Api.as(onward.server.url, 'alice');
    const selection = await alice.startRun({
      task: 'sales-report',
      rows: [
        { customer: 'Acme', year: 2024 },
        { customer: 'Nobody Ltd', year: 2024 },
      ],
    });
    await alice.waitFinished(selection.id);
    await logIn(page, onward.server.url, 'alice');
    const list = runList(await openPanel(page));
    const item = list.getByRole('listitem', { name: /^Sales report · Acme and Nobody Ltd · 2024,/ });
    await item.waitFor();
    const retry = item.getByRole('button', { name: /^Retry failed \(1\)/ });
    // Keyboard reachable.
    await retry.focus();
    await page.keyboard.press('Enter');

    const [rerun] = await until(async () => {
      const found = await rerunsOf(alice, selection.id);
      return found.length > 0 ? found : null;
    }, 'the retry on the server');
    expect(rerun.scheduler?.total).toBe(1);
    const retried = list.getByRole('listitem', { name: /^Sales report · Nobody Ltd/ });
    await untilStatus(retried, 'Failed');
    await untilText(retried, /Repeats the run of /, 'the retry naming the selection it repeats');
  });

  it('warns of a run that reports no progress, and counts the running runs in the tab title', async () => {
    const { page } = onward;
    const alice = await Api.as(onward.server.url, 'alice');
    await logIn(page, onward.server.url, 'alice');
    const base = await page.title();
    const list = runList(await openPanel(page));
    const run = await alice.startRun({ task: 'bench-pause', parameters: { steps: 2, ms: 3000 }, mode: 'background' });
    const item = entry(list, 'Benchmark pauses');
    await untilText(item, /No progress for \d+ s/, 'the stall line', 10_000);
    expect(await item.locator('.stalled').count()).toBe(1);
    await until(async () => (await page.title()) === `(1) ${base}`, 'the running count in the tab title');
    const favicon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel~="icon"]')?.href);
    expect(favicon).toMatch(/^data:image\/png/);
    await shot(page, '51-stalled');

    await alice.waitFinished(run.id);
    await until(async () => (await page.title()) === base, 'the title without a count once nothing runs');
    const restored = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel~="icon"]')?.href);
    expect(restored).toMatch(/favicon\.ico$/);
  });

  it('shows the time left of a running run', async () => {
    const { page } = onward;
    const bob = await Api.as(onward.server.url, 'bob');
    await logIn(page, onward.server.url, 'bob');
    const list = runList(await openPanel(page));
    const run = await bob.startRun({ task: 'bench-pause', parameters: { steps: 20, ms: 1000 }, mode: 'background' });
    await untilText(list, /(about \d+ min|less than a minute) left/, 'the time left of the running run', 20_000);
    await shot(page, '52-time-left');
    expect(run.status).toMatch(/queued|running/);
  });

  it("shows a queued run's place, counting down as the runs ahead of it end", async () => {
    const { page } = onward;
    const alice = await Api.as(onward.server.url, 'alice');
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const list = runList(panel);
    // One run of alice's at a time: the first runs, silent after its first report (so shown stalled),
    // and the other three wait behind it; the last has two of hers ahead of it.
    const held = { task: 'bench-pause', parameters: { steps: 1, ms: 600_000 }, mode: 'background' };
    const runs: RunView[] = [];
    for (let i = 0; i < 4; i++) runs.push(await alice.startRun(held));
    await untilText(list, /Waiting · 2 ahead of it \(your other runs\)/, 'two ahead of the last run', 10_000);
    await untilText(list, /Next to start/, 'the next run to start', 10_000);
    await untilText(list, /No progress for \d+ s/, 'the stall line of the running run', 10_000);
    // The entry lines together (time, place, stall, repeats, run again), in the pop-out's full page,
    // are the README's picture (docs/screenshots/entry-lines.png).
    const [popOut] = await Promise.all([
      page.context().waitForEvent('page'),
      panel.getByRole('button', { name: 'Open the monitor in a new window' }).click(),
    ]);
    await popOut.setViewportSize({ width: 640, height: 1300 });
    await untilText(popOut.locator('body'), /2 ahead of it/, 'the place in the pop-out', 10_000);
    await untilText(popOut.locator('body'), /No progress for/, 'the stall line in the pop-out', 10_000);
    await shot(popOut, 'entry-lines');

    // The pop-out now holds the list: the countdown is read there.
    const popList = popOut.locator('body');
    await alice.cancel(runs[0].id);
    await until(async () => !/2 ahead of it/.test(await popList.innerText()), 'no run two places back any more');
    await untilText(popList, /Waiting · 1 ahead of it \(your other runs\)/, 'one ahead once the first has ended');
    await alice.cancel(runs[1].id);
    await until(async () => !/ahead of it/.test(await popList.innerText()), 'the last run next to start');
    await untilText(popList, /Next to start/, 'the last run next to start');
    for (const run of runs.slice(2)) await alice.cancel(run.id);
    await popOut.close();
  });
});
