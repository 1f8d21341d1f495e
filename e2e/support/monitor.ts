/**
 * How a user works the monitor app, in role, label and text locators (the accessible names of
 * apps/monitor and libs/ui), so the tests survive markup changes.
 */
import { readFileSync } from 'node:fs';

import type { Download, Locator, Page } from 'playwright-core';

import type { DemoUser } from './api';
import { until, untilText } from './browser';

/** Signs in on the login page and waits for the customers grid. */
export async function logIn(page: Page, baseUrl: string, user: DemoUser): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Customers' }).waitFor();
}

/** The "Running tasks" toolbar button (its name also carries the running count). */
export function runningTasksButton(page: Page): Locator {
  return page.getByRole('button', { name: /^Running tasks/ });
}

/** The floating monitor panel. */
export function panel(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Running tasks' });
}

/** Opens the panel from the toolbar (if it is not open yet) and returns it. */
export async function openPanel(page: Page): Promise<Locator> {
  const button = runningTasksButton(page);
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  const p = panel(page);
  await p.waitFor();
  return p;
}

/** The list of runs inside a panel, pop-out window or admin page. */
export function runList(scope: Locator | Page, name = 'Background runs'): Locator {
  return scope.getByRole('list', { name });
}

/** A run's entry, by the start of its accessible name ("Sales report · Acme 2024, Running, 40 percent"). */
export function entry(scope: Locator | Page, label: string): Locator {
  return scope.getByRole('listitem', { name: new RegExp(`^${escapeRegExp(label)},`) });
}

/** The words an entry's accessible name gives its status in. */
const STATUS_WORDS = /^(Queued|Running|Cancelling|Completed|Failed|Cancelled|Cancelled by an administrator)$/;

/**
 * The status word of an entry, read from its accessible name: the first of its comma-separated parts
 * that is one (a selection's label has commas of its own: "Sales report · Acme, Globex and 2 more").
 */
export async function entryStatus(item: Locator): Promise<string | null> {
  const name = await item.getAttribute('aria-label', { timeout: 1_000 });
  return name?.split(', ').find((part) => STATUS_WORDS.test(part)) ?? null;
}

/** Waits until the entry shows `status` ("Running", "Completed", "Failed", "Cancelled", …). */
export async function untilStatus(item: Locator, status: string, withinMs = 30_000): Promise<void> {
  await until(async () => (await entryStatus(item)) === status, `the entry to be ${status}`, withinMs);
}

/** Picks a catalogue task in the run form. */
export async function chooseTask(page: Page, title: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Task' }).click();
  await page.getByRole('option', { name: title }).click();
  await page.getByRole('combobox', { name: 'Task' }).filter({ hasText: title }).waitFor();
}

/** Starts recalculate-prices from the run form; resolves with its progress dialog once it shows progress. */
export async function startRecalc(page: Page, category: string, seconds: number): Promise<Locator> {
  await chooseTask(page, 'Recalculate prices');
  await page.getByRole('combobox', { name: 'Category' }).click();
  await page.getByRole('option', { name: category }).click();
  await page.getByLabel('Duration (seconds)').fill(String(seconds));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /Recalculate prices/ });
  await dialog.waitFor();
  await untilText(dialog, /Chunk \d+ of \d+/, 'the dialog to show the chunk progress');
  return dialog;
}

/** Ticks customers in the grid. */
export async function selectCustomers(page: Page, ...names: string[]): Promise<void> {
  for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
}

/** Clicks a control that downloads, and returns the downloaded file's bytes and name. */
export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await savedPath(file)) };
}

async function savedPath(file: Download): Promise<string> {
  const failure = await file.failure();
  if (failure) throw new Error(`the download of ${file.suggestedFilename()} failed: ${failure}`);
  const path = await file.path();
  if (!path) throw new Error(`the download of ${file.suggestedFilename()} has no file`);
  return path;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One observed look of an entry: its accessible name, progress bar value(s) and visible text. */
export interface EntrySample {
  name: string;
  bars: (string | null)[];
  text: string;
}

/**
 * Starts recording, on every animation frame, each change of the first list entry whose accessible
 * name starts with `prefix` (and whose text contains `contains`): nothing a user could have seen
 * is missed, however fast the run moves. Read the samples with `recorded`.
 */
export async function startRecording(page: Page, key: string, prefix: string, contains = ''): Promise<void> {
  await page.evaluate(
    ({ key, prefix, contains }) => {
      const store = ((window as unknown as { __onwardRec?: Record<string, EntrySample[]> }).__onwardRec ??= {});
      const samples: EntrySample[] = (store[key] = []);
      let last = '';
      const tick = () => {
        const item = Array.from(document.querySelectorAll('[role="listitem"]')).find(
          (el) => (el.getAttribute('aria-label') ?? '').startsWith(prefix) && (el.textContent ?? '').includes(contains),
        );
        if (item) {
          const sample: EntrySample = {
            name: item.getAttribute('aria-label') ?? '',
            bars: Array.from(item.querySelectorAll('[role="progressbar"]')).map((b) => b.getAttribute('aria-valuenow')),
            text: (item as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
          };
          const json = JSON.stringify(sample);
          if (json !== last) samples.push(sample);
          last = json;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    { key, prefix, contains },
  );
}

/** What `startRecording` has seen so far. */
export async function recorded(page: Page, key: string): Promise<EntrySample[]> {
  return page.evaluate(
    (key) => (window as unknown as { __onwardRec?: Record<string, EntrySample[]> }).__onwardRec?.[key] ?? [],
    key,
  );
}
