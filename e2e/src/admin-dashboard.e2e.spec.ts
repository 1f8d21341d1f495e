/**
 * The admin dashboard: real charts from seeded runs, live updates, and a table view with the numbers
 * the charts draw. A chart's numbers are read from its text alternative, which the dashboard tells from
 * the very datasets it hands to Chart.js; the table is drawn from the statistics on its own.
 */
import type { Page } from 'playwright-core';

import { expectNoAxeViolations } from '../support/axe';
import { Api } from '../support/api';
import { describeE2e, shot, until, useOnward } from '../support/browser';
import { logIn } from '../support/monitor';

/** The runs over a window: totals per status, and the most runs started in one bucket. */
interface RunTotals {
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  peak: number;
}

/** What both views show of one window: run totals, and p50 and p95 per task as the reader sees them. */
interface Numbers {
  runs: RunTotals;
  durations: { task: string; p50: string; p95: string }[];
}

const RUNS_TOLD =
  /^Runs per bucket over (.+?): (\d+) started, (\d+) completed, (\d+) failed, (\d+) cancelled; at most (\d+) started in one bucket\.$/;

/** The runs chart's text alternative, read back: its window and its totals. */
function runsTold(label: string | null): { window: string; runs: RunTotals } | null {
  const m = RUNS_TOLD.exec(label ?? '');
  if (!m) return null;
  const [started, completed, failed, cancelled, peak] = m.slice(2).map(Number);
  return { window: m[1], runs: { started, completed, failed, cancelled, peak } };
}

/** The durations chart's text alternative, read back: "task: p50 X, p95 Y" per task, in its order. */
function durationsTold(label: string | null): Numbers['durations'] {
  const list = /^Durations per task: (.*)\.$/.exec(label ?? '')?.[1] ?? '';
  return list
    .split('; ')
    .map((part) => /^(.+): p50 (.+), p95 (.+)$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, task, p50, p95]) => ({ task, p50, p95 }));
}

/** What the charts of `window` draw, once both show that window's numbers and hold still. */
async function chartNumbers(page: Page, window: string): Promise<Numbers> {
  let previous = '';
  return until(async () => {
    const runs = runsTold(await page.getByTestId('runs-chart').getAttribute('aria-label'));
    const durations = durationsTold(await page.getByTestId('durations-chart').getAttribute('aria-label'));
    if (runs?.window !== window || durations.length === 0) return null;
    // The durations chart takes its numbers an animation frame after the runs chart: two equal
    // readings in a row are both charts drawing the same answer.
    const reading = JSON.stringify({ runs: runs.runs, durations });
    const settled = reading === previous;
    previous = reading;
    return settled ? { runs: runs.runs, durations } : null;
  }, `the charts of the ${window} window`);
}

/** What the table view of the same window shows (switched on and off again around the reading). */
async function tableNumbers(page: Page): Promise<Numbers> {
  const asTable = page.getByRole('switch', { name: 'Show as table' });
  await asTable.click();
  await page.getByTestId('tasks-table').waitFor();
  const buckets = await page
    .getByTestId('runs-table')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number(td.textContent))));
  const durations = await page
    .getByTestId('tasks-table')
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '');
        return { task: tr.getAttribute('data-task') ?? '', p50: cells[2], p95: cells[3] };
      }),
    );
  await asTable.click();
  await page.getByTestId('runs-chart').waitFor();
  const column = (i: number) => buckets.map((cells) => cells[i]);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    runs: {
      started: sum(column(0)),
      completed: sum(column(1)),
      failed: sum(column(2)),
      cancelled: sum(column(3)),
      peak: Math.max(0, ...column(0)),
    },
    durations,
  };
}

describeE2e('admin dashboard', () => {
  const onward = useOnward();
  let alice: Api;

  beforeAll(async () => {
    alice = await Api.as(onward.server.url, 'alice');
    const runs = await Promise.all([
      alice.startRun({ task: 'recalculate-prices', parameters: { category: 'Hardware', seconds: 0.5 } }),
      alice.startRun({ task: 'recalculate-prices', parameters: { category: 'Software', seconds: 1 } }),
      alice.startRun({ task: 'sales-report', parameters: { customer: 'Acme', year: 2025 } }),
      alice.startRun({ task: 'sales-report', parameters: { customer: 'Nobody', year: 2025 } }),
    ]);
    await Promise.all(runs.map((run) => alice.waitFinished(run.id)));
  }, 60_000);

  it('draws its charts, updates live when a run finishes, and its table shows the numbers the charts draw', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    const runsChart = page.getByTestId('runs-chart');
    await runsChart.locator('canvas').first().waitFor();
    await page.getByTestId('durations-chart').locator('canvas').first().waitFor();
    const completed = async () => runsTold(await runsChart.getAttribute('aria-label'))?.runs.completed;
    await until(async () => ((await completed()) ?? 0) >= 3, 'the seeded runs charted');
    await page
      .getByTestId('failing-list')
      .getByText(/Nobody/)
      .waitFor();
    await shot(page, 'admin-dashboard');
    await expectNoAxeViolations(page);

    // A run finishes: the chart's numbers change without a reload (stats.updated → a fresh read).
    const before = (await completed()) ?? NaN;
    const run = await alice.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Services', seconds: 0.5 },
    });
    await alice.waitFinished(run.id);
    await until(async () => (await completed()) === before + 1, 'the finished run counted live');

    // The table view shows what the charts draw, over the hour and over the day.
    for (const window of ['1 hour', '24 hours']) {
      await page.getByRole('radio', { name: window }).click();
      const charted = await chartNumbers(page, window);
      // Every seeded run is in both windows: three completed and one failed, then the live one.
      expect(charted.runs).toMatchObject({ started: 5, completed: 4, failed: 1, cancelled: 0 });
      expect(charted.durations.map((d) => d.task).sort()).toEqual(['recalculate-prices', 'sales-report']);
      expect(charted.durations.every((d) => d.p50 !== '–' && d.p95 !== '–')).toBe(true);
      expect(await tableNumbers(page)).toEqual(charted);
    }
    await page.getByRole('switch', { name: 'Show as table' }).click();
    await page.getByTestId('runs-table').waitFor();
    await shot(page, 'admin-dashboard-table');
  });
});
