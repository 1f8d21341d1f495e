/** Onward's own accounts in the browser: the demo hint, the admin's Users tab, a password change. */
import type { Page } from 'playwright-core';

import { describeE2e, openedDialog, shot, until, useOnward } from '../support/browser';
import { logIn } from '../support/monitor';

async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describeE2e('accounts', () => {
  const onward = useOnward();

  it('lists the demo accounts on the login page, creates a user who changes their password, then disables them', async () => {
    const { page } = onward;
    await page.goto(`${onward.server.url}/login`);
    await until(
      async () => (await page.getByText('Demo users: alice / alice, bob / bob, admin / admin').count()) === 1,
      'the demo hint',
    );

    // The admin creates erin in the Users tab.
    await logIn(page, onward.server.url, 'admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'Users' }).click();
    const users = page.getByRole('region', { name: 'Users' });
    await users.getByRole('cell', { name: 'alice', exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'User name', exact: true }).fill('erin');
    await page.getByRole('textbox', { name: 'Display name' }).fill('Erin Evans');
    await page.getByLabel('Password', { exact: true }).fill('erins-first-password');
    await page.getByRole('button', { name: 'Create' }).click();
    await users.getByRole('cell', { name: 'Erin Evans' }).waitFor();
    await shot(page, '40-admin-users');

    // erin signs in and changes her password; she stays signed in.
    const erinPage = await (await onward.newContext()).newPage();
    await signIn(erinPage, onward.server.url, 'erin', 'erins-first-password');
    await erinPage.getByRole('heading', { name: 'Customers' }).waitFor();
    await erinPage.getByRole('button', { name: 'Change password' }).click();
    const dialog = await openedDialog(erinPage, 'Change password');
    await dialog.getByLabel('Current password').fill('erins-first-password');
    await dialog.getByLabel('New password', { exact: true }).fill('erins-second-password');
    await dialog.getByLabel('New password again').fill('erins-second-password');
    await shot(erinPage, '41-change-password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await erinPage.getByText('Your password was changed.').waitFor();
    await erinPage.reload();
    await erinPage.getByRole('heading', { name: 'Customers' }).waitFor();

    // The old password no longer opens, the new one does.
    const other = await (await onward.newContext()).newPage();
    await signIn(other, onward.server.url, 'erin', 'erins-first-password');
    await other.getByText('Wrong user name or password.').waitFor();
    await signIn(other, onward.server.url, 'erin', 'erins-second-password');
    await other.getByRole('heading', { name: 'Customers' }).waitFor();

    // The admin disables erin: she can no longer sign in.
    await users.getByRole('row', { name: /erin/ }).getByRole('button', { name: 'Disable' }).click();
    await users.getByRole('row', { name: /erin/ }).getByRole('cell', { name: 'Disabled' }).waitFor();
    await signIn(other, onward.server.url, 'erin', 'erins-second-password');
    await other.getByText('Wrong user name or password.').waitFor();
  }, 90_000);
});
