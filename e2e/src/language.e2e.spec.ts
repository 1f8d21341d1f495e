/**
 * The demo host in Dutch: its own texts, the widget's, the catalogue, a built-in task's progress and
 * the dates all follow the language the visitor chose (the EN / NL choice the host stores).
 */
import type { Page } from 'playwright-core';

import { describeE2e, openedDialog, until, untilText, useOnward } from '../support/browser';

/** Opens the host in Dutch and signs alice in with the Dutch login form. */
async function logInInDutch(page: Page, baseUrl: string): Promise<void> {
  await page.addInitScript(() => localStorage.setItem('onward.demo.locale', 'nl'));
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Gebruikersnaam').fill('alice');
  await page.getByLabel('Wachtwoord').fill('alice');
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('heading', { name: 'Klanten' }).waitFor();
}

async function chooseTask(page: Page, title: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Taak' }).click();
  await page.getByRole('option', { name: title }).click();
}

describeE2e('the user language', () => {
  const onward = useOnward();

  it('lists the task catalogue with Dutch titles and labels', async () => {
    const { page } = onward;
    await logInInDutch(page, onward.server.url);
    expect(await page.locator('html').getAttribute('lang')).toMatch(/^nl/);
    await page.getByRole('combobox', { name: 'Taak' }).click();
    for (const title of ['Verkooprapport', 'Prijzen herberekenen', 'Orders exporteren']) {
      await page.getByRole('option', { name: title }).waitFor();
    }
    await page.getByRole('option', { name: 'Prijzen herberekenen' }).click();
    await page.getByRole('combobox', { name: 'Categorie' }).click();
    await page.getByRole('option', { name: 'Diensten' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByLabel('Duur (seconden)').waitFor();
  });

  it('shows Dutch texts, Dutch progress of a built-in task and a Dutch date', async () => {
    const { page } = onward;
    await logInInDutch(page, onward.server.url);
    await chooseTask(page, 'Verkooprapport');
    await page.getByRole('checkbox', { name: 'Acme selecteren' }).check();
    await page.getByRole('button', { name: 'Uitvoeren voor Acme' }).click();

    await page.getByRole('button', { name: /^Lopende taken/ }).click();
    const panel = page.getByRole('dialog', { name: 'Lopende taken' });
    const item = panel
      .getByRole('list', { name: 'Achtergrondruns' })
      .getByRole('listitem', { name: /^Verkooprapport · Acme 2024,/ });
    await item.waitFor();
    // While it runs: the Dutch status, the cancel button and the task's own Dutch progress message.
    await until(async () => /, Bezig\b/.test((await item.getAttribute('aria-label')) ?? ''), 'the entry Bezig');
    await item.getByText('Annuleren', { exact: true }).waitFor();
    await untilText(item, /Orders laden|Kop opmaken|Tabel opmaken/, 'a Dutch progress message');
    await until(async () => /, Voltooid\b/.test((await item.getAttribute('aria-label')) ?? ''), 'the entry Voltooid');

    // The start time's full date, as Dutch writes it ("vrijdag 4 december 2026 om 12:05:07").
    const title = await item.locator('time.started').getAttribute('title');
    const now = new Date();
    const weekday = new Intl.DateTimeFormat('nl', { weekday: 'long' }).format(now);
    const month = new Intl.DateTimeFormat('nl', { month: 'long' }).format(now);
    expect(title).toContain(weekday);
    expect(title).toContain(`${now.getDate()} ${month}`);

    // "Change and run again": the Dutch labels of the catalogue and the rule messages in Dutch.
    await item.getByRole('button', { name: 'Wijzigen en opnieuw uitvoeren: Verkooprapport · Acme 2024' }).click();
    const dialog = await openedDialog(page, 'Wijzigen en opnieuw uitvoeren');
    await dialog.getByLabel('Jaar').fill('1999');
    await dialog.getByRole('button', { name: 'Opnieuw uitvoeren' }).click();
    await untilText(dialog, /Jaar moet minstens 2000 zijn/, 'the Dutch rule message under Jaar');
    await dialog.getByLabel('Jaar').fill('');
    await untilText(dialog, /Jaar is verplicht/, 'the Dutch required message');
  });
});
