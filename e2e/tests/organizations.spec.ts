import { expect, test } from '@playwright/test';
import { open, sections, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

test('An admin suspends a studio with a reason and reinstates it', async ({ page }) => {
  const name = unique('Lantern Films');
  await signIn(page, accounts.admin);
  await sections(page).getByRole('link', { name: 'Organizations' }).click();
  const organizations = page.getByRole('region', { name: 'Organizations' });
  await organizations.getByLabel('Name', { exact: true }).fill(name);
  await organizations.getByRole('button', { name: 'Create organization' }).click();
  await expect(organizations.getByRole('status')).toContainText(`"${name}" created`);

  const row = organizations.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Active');
  // The operator itself cannot be suspended: the API says so, and the page offers nothing.
  await expect(organizations.getByRole('row').filter({ hasText: 'Operator' }).first().getByRole('button', { name: 'Suspend' })).toHaveCount(0);

  await row.getByRole('button', { name: 'Suspend' }).click();
  await expect(row.getByText('Say why the organization is suspended.')).toBeVisible();

  await row.getByLabel(`Reason to suspend ${name}`).fill('Unpaid invoices since September');
  await row.getByRole('button', { name: 'Suspend' }).click();
  await expect(organizations.getByRole('status')).toContainText(`${name} is suspended`);
  await expect(row).toContainText('Suspended');
  await expect(row).toContainText('Unpaid invoices since September');

  await row.getByRole('button', { name: 'Reinstate' }).click();
  await expect(organizations.getByRole('status')).toContainText(`${name} is reinstated`);
  await expect(row).toContainText('Active');
});

test('Someone without the admin role who opens a partners or review-settings address is told which page is not theirs', async ({ page }) => {
  await signIn(page, accounts.owner);
  for (const [path, label] of [
    ['/admin/partners', 'Partners'],
    ['/admin/review', 'Review settings'],
  ] as const) {
    await open(page, path);
    await expect(page.getByRole('heading', { name: 'Not available to you' })).toBeVisible();
    await expect(page.getByText(`${label} is not part of your role`)).toBeVisible();
    await expect(page.getByText('Organizations is not part of your role')).toHaveCount(0);
  }
});
