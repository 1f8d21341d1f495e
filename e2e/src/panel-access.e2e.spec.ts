/**
 * The panel for keyboard and phone users: one visible focus ring (WCAG 2.2 focus appearance),
 * Escape on a wait dialog, the full-height sheet at 390 × 844 with every filter and count in view,
 * toasts that stack and never cover the panel, and axe's WCAG 2.1 AA rules on desktop and phone.
 */
import type { Locator, Page } from 'playwright-core';

import { Api } from '../support/api';
import { expectNoAxeViolations } from '../support/axe';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { logIn, openPanel, startRecalc } from '../support/monitor';

const PANEL = 'onward-monitor-panel .panel';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not visible');
  return b;
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The computed outline of the focused element (or of the wrapper that draws its ring). */
async function focusRing(page: Page): Promise<{ label: string; width: string; style: string; colour: string }> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement;
    const host = (active.closest('mat-button-toggle') as HTMLElement | null) ?? active;
    const style = getComputedStyle(host);
    return {
      label: (active.getAttribute('aria-label') ?? active.textContent ?? '').trim(),
      width: style.outlineWidth,
      style: style.outlineStyle,
      colour: style.outlineColor,
    };
  });
}

/** Presses Tab until the focused element's text or label matches `name`. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  await until(async () => {
    await page.keyboard.press('Tab');
    return name.test((await focusRing(page)).label);
  }, `Tab to reach ${name}`);
}

/** Records, on every change, how many toasts are on screen and what they say. */
async function recordToasts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __toasts: { max: number; texts: string[] } };
    w.__toasts = { max: 0, texts: [] };
    new MutationObserver(() => {
      const toasts = Array.from(document.querySelectorAll('.onward-toast .text')).map(
        (el) => el.textContent?.trim() ?? '',
      );
      w.__toasts.max = Math.max(w.__toasts.max, toasts.length);
      for (const t of toasts) if (!w.__toasts.texts.includes(t)) w.__toasts.texts.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

describeE2e('the panel for keyboard and phone users', () => {
  const onward = useOnward({ ONWARD_USER_CONCURRENCY: '4' });

  it('draws one 2 px focus ring on keyboard focus, apart from the selected filter, and passes axe', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await expectNoAxeViolations(page, PANEL);

    // The title bar has focus after opening; Tab walks the icon buttons, then the filters.
    await tabTo(page, /^Open the monitor in a new window$/);
    const icon = await focusRing(page);
    expect(icon).toMatchObject({ width: '2px', style: 'solid', colour: 'rgb(29, 100, 216)' });

    await tabTo(page, /^All/);
    expect(await focusRing(page)).toMatchObject({ width: '2px', style: 'solid' });
    await shot(panel, '60-focus-ring-on-selected-filter');
    // Focus moves on (past the filters): the selected filter keeps its fill and loses the ring.
    const selected = panel.locator('mat-button-toggle.mat-button-toggle-checked');
    const look = () =>
      selected.evaluate((el) => {
        const s = getComputedStyle(el);
        return { outline: s.outlineStyle, fill: s.backgroundColor };
      });
    const focusedSelected = await look();
    await page.keyboard.press('Tab');
    const ring = await focusRing(page);
    expect(ring.label).not.toMatch(/^All/);
    expect(ring).toMatchObject({ width: '2px', style: 'solid', colour: 'rgb(29, 100, 216)' });
    const unfocusedSelected = await look();
    expect(unfocusedSelected.outline).toBe('none');
    expect(unfocusedSelected.fill).toBe(focusedSelected.fill);
    expect(unfocusedSelected.fill).not.toBe('rgba(0, 0, 0, 0)');
    await shot(panel, '61-focus-ring-apart-from-selected');

    // A mouse click draws no ring.
    await panel.getByRole('heading', { name: 'Running tasks' }).click();
    await panel.locator('mat-button-toggle button').first().click();
    expect((await focusRing(page)).style).toBe('none');
  });

  it('wraps the filters at the 300 px minimum width, clipping none', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await panel.getByRole('heading', { name: 'Running tasks' }).waitFor();
    // Shift + Left on the focused title bar narrows the panel, down to its minimum.
    for (let i = 0; i < 12; i++) await page.keyboard.press('Shift+ArrowLeft');
    await until(async () => Math.round((await box(panel)).width) === 300, 'the panel at 300 px');
    const p = await box(panel);
    for (const toggle of await panel.locator('mat-button-toggle').all()) {
      const b = await box(toggle);
      expect(b.x).toBeGreaterThanOrEqual(p.x);
      expect(b.x + b.width).toBeLessThanOrEqual(p.x + p.width);
      expect(await toggle.locator('.count').isVisible()).toBe(true);
    }
    await shot(panel, '64-filters-at-300px');
  });

  it('sends an optional run to the background on Escape, where it goes on running', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const dialog = await startRecalc(page, 'Hardware', 20);
    await expectNoAxeViolations(page, 'mat-dialog-container');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    const api = await Api.as(onward.server.url, 'alice');
    const [run] = await api.listRuns();
    expect(run).toMatchObject({ task: 'recalculate-prices', mode: 'background', status: 'running' });
    await untilText(page.locator('.onward-toast').last(), /continues in the background/, 'the toast');
  });

  it('says "Cancelling…" on the dialog\'s Cancel until the run has stopped, then closes', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const dialog = await startRecalc(page, 'Software', 30);
    // Every look of the dialog's buttons, however briefly it lasted.
    await page.evaluate(() => {
      const w = window as unknown as { __buttons: string[] };
      w.__buttons = [];
      new MutationObserver(() => {
        const container = document.querySelector('mat-dialog-container');
        if (!container) return;
        const look = Array.from(container.querySelectorAll('mat-dialog-actions button'))
          .map((b) => `${(b.textContent ?? '').trim()}${(b as HTMLButtonElement).disabled ? ' (disabled)' : ''}`)
          .join(' | ');
        if (w.__buttons[w.__buttons.length - 1] !== look) w.__buttons.push(look);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    const looks = await page.evaluate(() => (window as unknown as { __buttons: string[] }).__buttons);
    expect(looks).toContain('Run in background (disabled) | Cancelling… (disabled)');
  });

  it('stacks the toasts of four runs finishing together, beside the panel, never over it', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    await recordToasts(page);
    const api = await Api.as(onward.server.url, 'alice');
    const runs = await Promise.all(
      ['Hardware', 'Services', 'Software', 'Hardware'].map((category) =>
        api.startRun({ task: 'recalculate-prices', parameters: { category, seconds: 2 }, mode: 'background' }),
      ),
    );
    await Promise.all(runs.map((r) => api.waitFinished(r.id)));
    await untilText(page.locator('.onward-toast').last(), /4 runs finished/, 'the grouped toast');
    await shot(page, '62-stacked-toasts');
    const seen = await page.evaluate(() => (window as unknown as { __toasts: { max: number } }).__toasts);
    expect(seen.max).toBeGreaterThan(1);
    expect(seen.max).toBeLessThanOrEqual(3);
    const panelBox = await box(panel);
    for (const toast of await page.locator('.onward-toast').all()) {
      expect(overlaps(await box(toast), panelBox)).toBe(false);
    }
  });

  it('is a full-height sheet on a 390 × 844 phone, with every filter and count in view, and passes axe', async () => {
    const context = await onward.newContext();
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await logIn(page, onward.server.url, 'bob');
    const panel = await openPanel(page);
    expect(await box(panel)).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    const panelBox = await box(panel);
    const toggles = panel.locator('mat-button-toggle');
    expect(await toggles.count()).toBe(5);
    for (const toggle of await toggles.all()) {
      const b = await box(toggle);
      expect(b.x).toBeGreaterThanOrEqual(panelBox.x);
      expect(b.x + b.width).toBeLessThanOrEqual(panelBox.x + panelBox.width);
      expect(await toggle.locator('.count').isVisible()).toBe(true);
    }

    // A toast on a phone shows inside the sheet, between its title bar and the list.
    const api = await Api.as(onward.server.url, 'bob');
    await api.startRun({
      task: 'recalculate-prices',
      parameters: { category: 'Services', seconds: 1 },
      mode: 'background',
    });
    const toast = panel.locator('.onward-toast').first();
    await untilText(toast, /Recalculate prices/, 'a toast inside the sheet');
    const t = await box(toast);
    expect(t.y).toBeGreaterThanOrEqual(48);
    await shot(page, '63-phone-sheet');
    await expectNoAxeViolations(page, PANEL);
  });
});
