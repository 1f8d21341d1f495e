/** The admin dashboard: real charts from seeded runs, live updates, and a table view with the same numbers. */
import { expectNoAxeViolations } from '../support/axe';
import { Api } from '../support/api';
import { describeE2e, shot, until, useOnward } from '../support/browser';
import { logIn } from '../support/monitor';

/** The parts of `GET /api/admin/stats` compared with the table (API.md). */
interface AdminStats {
  buckets: { at: string; started: number; completed: number; failed: number; cancelled: number }[];
  tasks: { task: string; runs: number; failed: number }[];
}

const completedIn = (label: string | null): number => Number(/(\d+) completed/.exec(label ?? '')?.[1] ?? NaN);

describeE2e('admin dashboard', () => {
  const onward = useOnward();
  let alice: Api;
  let admin: Api;

  beforeAll(async () => {
    [alice, admin] = await Promise.all([Api.as(onward.server.url, 'alice'), Api.as(onward.server.url, 'admin')]);
    const runs = await Promise.all([
      alice.startRun({ task: 'recalculate-prices', parameters: { category: 'Hardware', seconds: 0.5 } }),
      alice.startRun({ task: 'recalculate-prices', parameters: { category: 'Software', seconds: 1 } }),
      alice.startRun({ task: 'sales-report', parameters: { customer: 'Acme', year: 2025 } }),
      alice.startRun({ task: 'sales-report', parameters: { customer: 'Nobody', year: 2025 } }),
    ]);
    await Promise.all(runs.map((run) => alice.waitFinished(run.id)));
  }, 60_000);

  it('draws its charts, updates live when a run finishes, and its table matches the API', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    const runsChart = page.getByTestId('runs-chart');
    await runsChart.locator('canvas').first().waitFor();
    await page.getByTestId('durations-chart').locator('canvas').first().waitFor();
    await until(async () => completedIn(await runsChart.getAttribute('aria-label')) >= 3, 'the seeded runs charted');
    await page
      .getByTestId('failing-list')
      .getByText(/Nobody/)
      .waitFor();
    await shot(page, 'admin-dashboard');
    await expectNoAxeViolations(page);

    // A run finishes: the chart's numbers change without a reload (stats.updated → a fresh read).
    const before = completedIn(await runsChart.getAttribute('aria-label'));
    const run = await alice.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Services', seconds: 0.5 },
    });
    await alice.waitFinished(run.id);
    await until(
      async () => completedIn(await runsChart.getAttribute('aria-label')) === before + 1,
      'the finished run counted live',
    );

    // The table view shows the numbers the API gives.
    await page.getByRole('switch', { name: 'Show as table' }).click();
    await page.getByTestId('runs-table').waitFor();
    await until(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      const stats = await admin.getJson<AdminStats>('/api/admin/stats?window=1h');
      const rows = await page
        .getByTestId('runs-table')
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => ({
            at: tr.getAttribute('data-at'),
            cells: [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)),
          })),
        );
      const api = stats.buckets.map((b) => ({ at: b.at, cells: [b.started, b.completed, b.failed, b.cancelled] }));
      const tasks = await page
        .getByTestId('tasks-table')
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [
            tr.getAttribute('data-task'),
            ...[...tr.querySelectorAll('td')].slice(0, 2).map((td) => Number(td.textContent)),
          ]),
        );
      const apiTasks = stats.tasks.map((t) => [t.task, t.runs, t.failed]);
      return JSON.stringify(rows) === JSON.stringify(api) && JSON.stringify(tasks) === JSON.stringify(apiTasks);
    }, 'the table equal to the API’s numbers');
    await shot(page, 'admin-dashboard-table');
  });
});
