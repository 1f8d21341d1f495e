/**
 * The monitor with more runs than it loads at once: a virtual list (only a window of entries in
 * the DOM), older pages read as the end comes into view, and the keyboard walking past the window.
 */
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { logIn, openPanel, runList } from '../support/monitor';
import { seedFinishedRuns } from '../support/seed';

const RUNS = 450;

describeE2e('a long list of runs', () => {
  const onward = useOnward();

  beforeAll(() => seedFinishedRuns(onward.server.dataDir, 'alice', RUNS));

  it('renders a window of it, reads older pages at its end, and lets Tab walk past the window', async () => {
    const { page } = onward;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const list = runList(panel);
    const all = panel.locator('mat-button-toggle').first();
    // One page of 200 at first: the count says there are more.
    await untilText(all, /All\s*200\+/, 'the first page');
    const first = list.getByRole('listitem').first();
    expect(await first.getAttribute('aria-label')).toBe('Sales report · Customer 0 2025, Completed');
    expect(await first.getAttribute('aria-posinset')).toBe('1');
    expect(await first.getAttribute('aria-setsize')).toBe('-1');
    const rendered = await list.getByRole('listitem').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(40);
    await shot(panel, '50-long-list');

    // Tab from entry to entry: each focused entry is scrolled into view and its neighbours rendered.
    await first.getByRole('button', { name: /^Download/ }).focus();
    const focusedPosition = () =>
      page.evaluate(() => Number(document.activeElement?.closest('[role="listitem"]')?.getAttribute('aria-posinset')));
    // Each finished entry has several stops (download, run again, change and run again, delete):
    // Tab until the focus is past the entries first rendered, within a bound.
    for (let i = 0; i < 10 * rendered && (await focusedPosition()) <= rendered; i++) await page.keyboard.press('Tab');
    const reached = await focusedPosition();
    expect(reached).toBeGreaterThan(rendered);
    await until(
      async () =>
        await list
          .getByRole('listitem', { name: new RegExp(`^Sales report · Customer ${reached - 1} 2025,`) })
          .isVisible(),
      'the focused entry to be in view',
    );

    // Scrolling to the end reads the older pages, until there are none.
    await until(async () => {
      await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      return /All\s*450$/.test(await all.innerText());
    }, 'every run to be loaded');
    const last = list.getByRole('listitem', { name: /^Sales report · Customer 449 2025,/ });
    await last.waitFor();
    expect(await last.getAttribute('aria-posinset')).toBe(String(RUNS));
    expect(await last.getAttribute('aria-setsize')).toBe(String(RUNS));
    expect(await panel.getByRole('button', { name: 'Load older runs' }).count()).toBe(0);
    expect(await list.getByRole('listitem').count()).toBeLessThan(40);
    await shot(panel, '51-long-list-end');
    // Measuring and re-rendering while scrolling raises nothing (e.g. ExpressionChanged, ResizeObserver loops).
    expect(errors).toEqual([]);
  });
});
