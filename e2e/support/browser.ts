/**
 * Debian's Chromium through playwright-core (never a downloaded browser), one fresh context per
 * test, and the waiting helpers the suites use instead of sleeps.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';

import { ARTIFACTS, CHROMIUM, chromiumInstalled, onCi } from './paths';
import { OnwardServer } from './server';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `describe` when the browser can run (always on CI, where a missing Chromium then fails), else `describe.skip`. */
export const describeE2e: jest.Describe = chromiumInstalled() || onCi() ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The pieces a suite works with; filled in by the hooks that `useOnward` registers. */
export interface Onward {
  readonly server: OnwardServer;
  readonly browser: Browser;
  /** A fresh context (own storage, downloads accepted) for this test. */
  readonly context: BrowserContext;
  /** The first page of `context`. */
  readonly page: Page;
  /** Another isolated context (a second user at the same time); closed after the test. */
  newContext(): Promise<BrowserContext>;
}

/**
 * Registers hooks: one server and one browser for the file, a new context and page per test.
 * The server gets a fresh data folder, so every file starts from the demo data and no runs.
 */
export function useOnward(serverEnv: Record<string, string> = {}): Onward {
  let server: OnwardServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let extra: BrowserContext[] = [];
  // What the server's Content-Security-Policy refused in any page of the test (Chromium reports
  // each refusal as a console error): the app must work under it, not around it.
  let refused: string[] = [];

  const newContext = async (): Promise<BrowserContext> => {
    if (!browser) throw new Error('the browser did not start (see the beforeAll error)');
    const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 860 } });
    ctx.setDefaultTimeout(20_000);
    ctx.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    return ctx;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([OnwardServer.start(serverEnv), launchChromium()]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 30_000);
  beforeEach(async () => {
    context = await newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    for (const ctx of extra) await ctx.close();
    extra = [];
    await context?.close();
    context = undefined;
    page = undefined;
    const violations = refused;
    refused = [];
    expect(violations).toEqual([]);
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not available (see the beforeAll/beforeEach error)`);
    return value;
  };
  return {
    get server() {
      return need(server, 'the server');
    },
    get browser() {
      return need(browser, 'the browser');
    },
    get context() {
      return need(context, 'the browser context');
    },
    get page() {
      return need(page, 'the page');
    },
    async newContext() {
      const ctx = await newContext();
      extra.push(ctx);
      return ctx;
    },
  };
}

/**
 * Re-checks `check` (a state read from the page or the server) until it returns a truthy value,
 * and returns that value; fails with `what` and the last value after `withinMs`.
 */
export async function until<T>(check: () => Promise<T> | T, what: string, withinMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${withinMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 400)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The dialog named `name`, once it has opened and moved the focus into itself. Angular Material's
 * dialog focuses its first field when its opening animation ends (CDK's 'first-tabbable', even away
 * from a field focused meanwhile): a field filled before that can lose its text to the first field.
 */
export async function openedDialog(page: Page, name: string | RegExp): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  await until(
    () => dialog.evaluate((element) => element.contains(element.ownerDocument.activeElement)),
    `the focus in the opened dialog "${String(name)}"`,
  );
  return dialog;
}

/** Waits until the locator's visible text matches `pattern`; returns the text. */
export async function untilText(locator: Locator, pattern: RegExp, what: string, withinMs = 20_000): Promise<string> {
  return until(
    async () => {
      const text = await locator.innerText({ timeout: 1_000 });
      return pattern.test(text) ? text : null;
    },
    `${what} (text matching ${pattern})`,
    withinMs,
  );
}

/** Saves a screenshot into e2e/artifacts/<name>.png (gitignored; CI keeps it as an artefact). */
export async function shot(target: Locator | Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Park the mouse in a corner first, so no tooltip from the last click covers the picture.
  const page = 'mouse' in target ? target : target.page();
  await page.mouse.move(0, 0);
  await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
}
