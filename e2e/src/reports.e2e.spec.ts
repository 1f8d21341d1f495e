/**
 * Alice logs in, runs a sales report for one customer (progress moves, PDF downloads) and for
 * three customers (a scheduler runs the subtasks one by one and offers a zip).
 */
import { describeE2e, shot, untilText, useOnward } from '../support/browser';
import {
  chooseTask,
  download,
  entry,
  logIn,
  openPanel,
  recorded,
  runList,
  selectCustomers,
  startRecording,
  untilStatus,
} from '../support/monitor';

describeE2e('reports in the monitor', () => {
  const onward = useOnward();

  it('logs alice in and shows an empty monitor that says what it is for', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await panel.getByText('No background tasks yet').waitFor();
    await panel.getByText(/run here in the background/).waitFor();
    await shot(panel, '01-panel-empty');
  });

  it('shows a one-customer report moving and downloads its PDF', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await chooseTask(page, 'Sales report');
    await selectCustomers(page, 'Acme');
    await startRecording(page, 'acme', 'Sales report · Acme 2024,');
    await page.getByRole('button', { name: 'Run for Acme' }).click();

    const item = entry(runList(panel), 'Sales report · Acme 2024');
    await item.waitFor();
    // Mid-run: a percent strictly between 0 and 100 on screen.
    await untilText(item, /\b([1-9]\d?)%/, 'a percent between 1 and 99 in the entry');
    await shot(panel, '02-report-running');
    await untilStatus(item, 'Completed');
    await shot(panel, '03-report-completed');

    const samples = await recorded(page, 'acme');
    const shownPercents = unique(
      samples
        .map((s) => /(\d+)%/.exec(s.text)?.[1])
        .filter(isDefined)
        .map(Number),
    );
    const barValues = unique(
      samples
        .flatMap((s) => s.bars)
        .filter(isDefined)
        .map(Number),
    );
    // The percent text and the bar both moved through several values on the way, never backwards.
    expect(shownPercents.filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2);
    expect(shownPercents).toEqual([...shownPercents].sort((a, b) => a - b));
    expect(barValues.filter((v) => v > 0 && v < 100).length).toBeGreaterThanOrEqual(2);
    expect(samples.some((s) => s.name.includes(', Running'))).toBe(true);

    const file = await download(page, () => item.getByRole('button', { name: /^Download .*\.pdf$/ }).click());
    expect(file.name).toMatch(/Acme.*2024.*\.pdf$/);
    expect(file.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(file.bytes.length).toBeGreaterThan(1000);
  });

  it('runs a three-customer scheduler one subtask after another and offers the zip', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await chooseTask(page, 'Sales report');
    await selectCustomers(page, 'Acme', 'Globex', 'Initech');
    await startRecording(page, 'scheduler', 'Sales report', '3 subtasks');
    await page.getByRole('button', { name: 'Run for 3 customers' }).click();

    const item = runList(panel).getByRole('listitem').filter({ hasText: '3 subtasks' });
    await item.waitFor();
    await untilText(item, /1 of 3 · Acme/, 'the first subtask (Acme) running');
    await item.getByRole('button', { name: /^Show subtasks of / }).click();
    const subtasks = item.getByRole('list', { name: /^Subtasks of / });
    await subtasks.getByRole('listitem').nth(2).waitFor();
    await untilText(item, /2 of 3 · Globex/, 'the second subtask (Globex) running');
    await shot(panel, '04-scheduler-running');
    await untilStatus(item, 'Completed', 45_000);
    await shot(panel, '05-scheduler-completed');

    // One by one, in the order of the grid: the "n of 3 · customer" line went 1 → 2 → 3.
    const lines = (await recorded(page, 'scheduler'))
      .map((s) => /(\d) of 3 · (\w+) 2024/.exec(s.text))
      .filter(isDefined)
      .map((m) => `${m[1]} ${m[2]}`);
    expect(unique(lines)).toEqual(['1 Acme', '2 Globex', '3 Initech']);
    await untilText(item, /3 of 3 completed/, 'the completed count');
    const childTexts = await subtasks.getByRole('listitem').allInnerTexts();
    expect(childTexts).toHaveLength(3);
    for (const [i, name] of ['Acme', 'Globex', 'Initech'].entries()) {
      expect(childTexts[i]).toContain(name);
      expect(childTexts[i]).toContain('Completed');
    }

    const zip = await download(page, () => item.getByRole('button', { name: /^Download .*\.zip$/ }).click());
    expect(zip.name).toMatch(/\.zip$/);
    expect(zip.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const listing = zip.bytes.toString('latin1');
    for (const name of ['Acme', 'Globex', 'Initech']) expect(listing).toContain(`${name}-2024.pdf`);
  });
});

function unique<T>(values: T[]): T[] {
  // Consecutive duplicates only: the order in which values appeared is what the tests check.
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

function isDefined<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}
