/**
 * The widget as another team installs it: the packed @onward/ui (and @onward/task-domain) in a minimal
 * Angular app of its own (e2e/fixtures/host), served from another origin than the Onward server, which
 * allows that origin through ONWARD_CORS_ORIGINS. A run started over the API shows up in the host's
 * panel and is seen to complete there.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { Api } from '../support/api';
import { describeE2e, launchChromium, shot } from '../support/browser';
import { entry, openPanel, runList, untilStatus } from '../support/monitor';
import { buildPackagedHost, serveStatic } from '../support/packaged-host';
import { OnwardServer } from '../support/server';

describeE2e('the packed widget in a host on another origin', () => {
  let host: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let server: OnwardServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    // Packing, installing and building the host takes a minute the first time; then it is kept.
    host = await serveStatic(buildPackagedHost());
    [server, browser] = await Promise.all([OnwardServer.start({ ONWARD_CORS_ORIGINS: host.origin }), launchChromium()]);
  }, 420_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    await host?.close();
  }, 30_000);

  async function openHost(token: string): Promise<{ page: Page; failures: string[]; apiCalls: string[] }> {
    if (!browser || !server || !host) throw new Error('the host, the server or the browser did not start');
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(20_000);
    await context.addInitScript((config) => Object.assign(window, { onwardHost: config }), {
      baseUrl: server.url,
      token,
    });
    const page = await context.newPage();
    // A CORS refusal shows only as a failed request and a console error: collect both.
    const failures: string[] = [];
    page.on('requestfailed', (req) => failures.push(`${req.url()}: ${req.failure()?.errorText}`));
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });
    const apiCalls: string[] = [];
    const onward = server.url;
    page.on('requestfinished', (req) => {
      if (req.url().startsWith(onward)) apiCalls.push(req.url());
    });
    await page.goto(host.origin);
    await page.getByRole('heading', { name: 'Acme ERP' }).waitFor();
    return { page, failures, apiCalls };
  }

  it('follows a run started over the API from start to completion', async () => {
    if (!server || !host) throw new Error('the server did not start');
    expect(new URL(host.origin).origin).not.toBe(new URL(server.url).origin);
    const alice = await Api.as(server.url, 'alice');
    const { page, failures, apiCalls } = await openHost(alice.token);

    const started = await alice.startRun({ task: 'sales-report', parameters: { customer: 'Globex', year: 2025 } });
    const item = entry(runList(await openPanel(page)), 'Sales report · Globex 2025');
    await item.waitFor();
    await untilStatus(item, 'Completed', 60_000);
    expect((await alice.getRun(started.id)).status).toBe('completed');
    await shot(page, '90-packaged-widget-host');

    // The widget spoke to the Onward server across origins, and nothing was refused on the way.
    expect(apiCalls.some((url) => url.includes('/api/runs'))).toBe(true);
    expect(failures).toEqual([]);
  });
});
