/**
 * Accessibility checks with axe-core (pinned in package.json), injected into the page under test:
 * the same rules a browser extension would run, against what the user sees now.
 */
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';

import type { AxeResults, Result } from 'axe-core';

/** The WCAG 2.1 AA rule set (with the A rules it builds on). */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let source: string | undefined;

function axeSource(): string {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/** Where the script is served from: the page's own origin, so the server's `script-src 'self'` allows it. */
const AXE_PATH = '/__e2e__/axe-core.min.js';

/**
 * Runs axe over the page (or only the part that `include` selects, a CSS selector) and returns its
 * violations. The script is added with `page.addScriptTag` from a same-origin URL that the test
 * answers itself (an inline script would be refused by the Content-Security-Policy, as it should).
 */
export async function axeViolations(page: Page, include?: string): Promise<Result[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    const url = new URL(AXE_PATH, page.url()).href;
    await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: axeSource() }));
    await page.addScriptTag({ url });
    await page.unroute(url);
  }
  // Axe judges colours as drawn: an element still fading in (a dialog opening) is not yet in its own
  // colours, so the page's finite animations and transitions end first (never the endless ones).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)))
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const results = await page.evaluate(
    async ({ include, tags }) => {
      const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResults> } }).axe;
      return axe.run(include ? { include: [include] } : document, { runOnly: { type: 'tag', values: tags } });
    },
    { include, tags: WCAG_21_AA },
  );
  return results.violations;
}

/** One readable line per violation: rule, impact, and the first few offending elements. */
export function describeViolations(violations: Result[]): string[] {
  return violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`)
        .join(' | ')}`,
  );
}

/**
 * Fails when axe finds any WCAG 2.1 AA violation on the page (or inside `include`), listing each one
 * so the failure message alone says what to fix.
 */
export async function expectNoAxeViolations(page: Page, include?: string): Promise<void> {
  const violations = await axeViolations(page, include);
  expect(describeViolations(violations)).toEqual([]);
}
