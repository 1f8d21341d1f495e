/**
 * The floating panel as a window: dragged and resized, found in the same place after a reload,
 * and popped out into a window of its own that stays in sync with the main one.
 */
import type { Locator, Page } from 'playwright-core';

import { Api } from '../support/api';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { entry, logIn, openPanel, panel as panelOf, runList, untilStatus } from '../support/monitor';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('the panel has no box (not visible)');
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}

/** Presses the mouse at (x, y), moves it by (dx, dy) in steps, and releases it. */
async function drag(page: Page, x: number, y: number, dx: number, dy: number): Promise<void> {
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 12 });
  await page.mouse.up();
}

const near = (a: number, b: number) => Math.abs(a - b) <= 2;

/** Expects the box to be within 2 px of `expected` in the given fields, with both boxes in the message. */
function expectNear(actual: Box, expected: Partial<Box>, what: string): void {
  const off = (Object.keys(expected) as (keyof Box)[]).filter((k) => !near(actual[k], expected[k] as number));
  if (off.length > 0) {
    throw new Error(
      `${what}: ${off.join(', ')} off; expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}

describeE2e('the monitor panel', () => {
  const onward = useOnward();

  it('is dragged by its title bar, resized from its corner and edge, and found in the same place after a reload', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const start = await box(panel);
    await shot(page, '20-panel-default-place');

    // Move: grab the title (not a button) and drag up and to the left.
    const title = panel.getByRole('heading', { name: 'Running tasks' });
    const t = await box(title);
    await drag(page, t.x + t.width / 2, t.y + t.height / 2, -420, -150);
    const moved = await box(panel);
    expectNear(
      moved,
      { x: start.x - 420, y: start.y - 150, width: start.width, height: start.height },
      'after the move',
    );

    // Resize from the bottom-right corner: smaller in both directions, top-left stays.
    // (6 px in: the rounded corner clips the outermost pixels of the handle.)
    await drag(page, moved.x + moved.width - 6, moved.y + moved.height - 6, -60, -120);
    const resized = await box(panel);
    expectNear(
      resized,
      { x: moved.x, y: moved.y, width: moved.width - 60, height: moved.height - 120 },
      'after the corner resize',
    );

    // Resize from the left edge: wider, the right edge stays.
    await drag(page, resized.x + 1, resized.y + resized.height / 2, -80, 0);
    const widened = await box(panel);
    expectNear(
      widened,
      { x: resized.x - 80, width: resized.width + 80, y: resized.y, height: resized.height },
      'after the edge resize',
    );

    // Kept inside the viewport: a drag far beyond the top-left corner stops at the edge.
    const t2 = await box(title);
    await drag(page, t2.x + t2.width / 2, t2.y + t2.height / 2, -2000, -2000);
    const clamped = await box(panel);
    expect(clamped.x).toBe(0);
    expect(clamped.y).toBe(0);
    // Back to a place of its own, then reload.
    const t3 = await box(title);
    await drag(page, t3.x + t3.width / 2, t3.y + t3.height / 2, 200, 140);
    const placed = await box(panel);
    await shot(page, '21-panel-moved-and-resized');

    await page.reload();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    // It was open: it comes back open by itself once the user is known (a click on the toolbar
    // button before that would toggle it shut again).
    const after = panelOf(page);
    await after.waitFor();
    const restored = await until(
      async () => {
        const b = await box(after);
        return near(b.x, placed.x) &&
          near(b.y, placed.y) &&
          near(b.width, placed.width) &&
          near(b.height, placed.height)
          ? b
          : null;
      },
      `the panel back at ${JSON.stringify(placed)} after the reload`,
    );
    expect(restored.width).not.toBe(start.width);
    await shot(page, '22-panel-after-reload');
  });

  it('pops out into a window of its own that shows the same runs and stays in sync', async () => {
    const { page, context } = onward;
    const api = await Api.as(onward.server.url, 'alice');
    const done = await api.startRun({ task: 'sales-report', parameters: { customer: 'Umbrella', year: 2025 } });
    await api.waitFinished(done.id);
    const long = await api.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Hardware', seconds: 30 },
      mode: 'background',
    });
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const mainList = runList(panel);
    await untilStatus(entry(mainList, 'Recalculate prices · Hardware'), 'Running');
    await untilStatus(entry(mainList, 'Sales report · Umbrella 2025'), 'Completed');
    const mainNames = (await mainList.getByRole('listitem').all()).length;

    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      panel.getByRole('button', { name: 'Open the monitor in a new window' }).click(),
    ]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).pathname).toBe('/monitor');
    await popup.getByRole('heading', { name: 'Running tasks' }).waitFor();
    const popList = runList(popup);
    await untilStatus(entry(popList, 'Recalculate prices · Hardware'), 'Running');
    await untilStatus(entry(popList, 'Sales report · Umbrella 2025'), 'Completed');
    expect(await popList.getByRole('listitem').count()).toBe(mainNames);
    // The pop-out is the monitor alone: no customers grid, no toolbar.
    expect(await popup.getByRole('table', { name: 'Customers' }).count()).toBe(0);
    await shot(popup, '23-popout');

    // In sync both ways: a run started elsewhere shows in both, a cancel in the pop-out shows in the main window.
    await api.startRun({ task: 'sales-report', parameters: { customer: 'Stark', year: 2024 } });
    await entry(popList, 'Sales report · Stark 2024').waitFor();
    const reopened = await openPanel(page);
    await entry(runList(reopened), 'Sales report · Stark 2024').waitFor();
    await entry(popList, 'Recalculate prices · Hardware')
      .getByRole('button', { name: 'Cancel Recalculate prices · Hardware' })
      .click();
    await untilStatus(entry(runList(reopened), 'Recalculate prices · Hardware'), 'Cancelled', 10_000);
    await untilStatus(entry(popList, 'Recalculate prices · Hardware'), 'Cancelled');
    expect((await api.getRun(long.id)).status).toBe('cancelled');
    await untilText(popup.getByRole('radio', { name: /^Running/ }), /0/, 'no running runs left in the pop-out');
    await shot(popup, '24-popout-in-sync');
    expect(await panelOf(page).count()).toBe(1);
  });
});
