/** Each user sees only their own runs; the admin view shows everyone's, filtered by user. */
import { expectNoAxeViolations } from '../support/axe';
import { Api } from '../support/api';
import { describeE2e, shot, until, untilText, useOnward } from '../support/browser';
import { entry, logIn, openPanel, runList, untilStatus } from '../support/monitor';

describeE2e('users and the admin view', () => {
  const onward = useOnward();

  beforeAll(async () => {
    const alice = await Api.as(onward.server.url, 'alice');
    const bob = await Api.as(onward.server.url, 'bob');
    const runs = await Promise.all([
      alice.startRun({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }),
      alice.startRun({ task: 'sales-report', parameters: { customer: 'Initech', year: 2025 } }),
      bob.startRun({ task: 'sales-report', parameters: { customer: 'Globex', year: 2025 } }),
    ]);
    await Promise.all([alice, alice, bob].map((api, i) => api.waitFinished(runs[i].id)));
  }, 60_000);

  it("does not show alice's runs to bob", async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'bob');
    const panel = await openPanel(page);
    const list = runList(panel);
    await untilStatus(entry(list, 'Sales report · Globex 2025'), 'Completed');
    expect(await list.getByRole('listitem').count()).toBe(1);
    expect(await entry(list, 'Sales report · Acme 2024').count()).toBe(0);
    expect(await entry(list, 'Sales report · Initech 2025').count()).toBe(0);
    await shot(panel, '30-bob-panel');

    // Nor the other way round, at the same time in another browser context.
    const alicePage = await (await onward.newContext()).newPage();
    await logIn(alicePage, onward.server.url, 'alice');
    const aliceList = runList(await openPanel(alicePage));
    await untilStatus(entry(aliceList, 'Sales report · Initech 2025'), 'Completed');
    await untilStatus(entry(aliceList, 'Sales report · Acme 2024'), 'Completed');
    expect(await entry(aliceList, 'Sales report · Globex 2025').count()).toBe(0);
    // And bob has no admin link.
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
  });

  it("shows both users' runs in the admin view, filtered by user", async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'All runs' }).waitFor();
    const table = page.getByRole('table', { name: 'All runs' });
    const owned = (user: string) =>
      table.getByRole('row').filter({ has: page.getByRole('cell', { name: user, exact: true }) });
    await until(async () => (await owned('alice').count()) === 2, "alice's two runs in the admin view");
    await until(async () => (await owned('bob').count()) === 1, "bob's run in the admin view");
    await table.getByRole('row', { name: /Sales report · Globex 2025/ }).waitFor();
    await table.getByRole('row', { name: /Sales report · Acme 2024/ }).waitFor();
    await shot(page, '31-admin-all');
    await expectNoAxeViolations(page);

    // The filter matches the start of a name, and suggests the users it matches.
    await page.getByRole('combobox', { name: 'User' }).fill('bo');
    await page.getByRole('option', { name: 'bob' }).waitFor();
    await until(
      async () => (await owned('alice').count()) === 0 && (await owned('bob').count()) === 1,
      'only bob left after filtering by user',
    );
    await untilText(page.getByText(/^\d+ runs?$/), /^1 run$/, 'the count in words');
    await shot(page, '32-admin-filter-bob');
    await expectNoAxeViolations(page);
  });
});
