import { expect, test } from '@playwright/test';
import { open, sections, signIn } from '../support/session';
import { accounts, unique, WEB_PORT } from '../support/stack';

test('An owner invites a new editor who accepts and signs in', async ({ page }) => {
  const email = `${unique('new-editor')}@crimsonreel.test`;
  const password = 'a long enough password';

  await signIn(page, accounts.owner);
  await sections(page).getByRole('link', { name: 'Team' }).click();
  await expect(page.getByRole('heading', { name: 'Team', level: 1 })).toBeVisible();

  const invite = page.getByRole('region', { name: 'Invite someone' });
  await invite.getByLabel('Email').fill(email);
  await invite.getByLabel('Role').selectOption({ label: 'Editor' });
  await invite.getByRole('button', { name: 'Invite' }).click();

  await expect(invite.getByRole('status')).toContainText(`Invitation created for ${email} as Editor`);
  const link = (await invite.getByRole('region', { name: 'Invitation link' }).locator('code').textContent())?.trim() ?? '';
  expect(link).toMatch(new RegExp(`^http://localhost:${WEB_PORT}/invite/\\S+$`));
  await expect(page.getByRole('region', { name: 'Pending invitations' })).toContainText(email);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await open(page, new URL(link).pathname);
  await expect(page.getByRole('heading', { name: 'Accept your invitation' })).toBeVisible();
  await page.getByLabel('Your name').fill('Nova Editor');
  await page.getByLabel('Choose a password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/login\?welcome=/);
  await expect(page.getByRole('status')).toContainText(`Your account is ready. Sign in as ${email}.`);
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByRole('banner')).toContainText('Nova Editor');
  await expect(page.getByRole('banner')).toContainText('Crimson Reel Studio');
  await expect(page.getByRole('banner')).toContainText('Editor');
  await expect(sections(page).getByRole('link', { name: 'Catalog' })).toBeVisible();
  await expect(sections(page).getByRole('link', { name: 'Team' })).toHaveCount(0);
});

test('Someone who already has an account is invited, not added: they join signed in, and leave when removed', async ({ page }) => {
  await signIn(page, accounts.owner);
  await sections(page).getByRole('link', { name: 'Team' }).click();
  const invite = page.getByRole('region', { name: 'Invite someone' });
  await invite.getByLabel('Email').fill(accounts.partner);
  await invite.getByLabel('Role').selectOption({ label: 'Viewer' });
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(invite.getByRole('status')).toContainText(`Invitation created for ${accounts.partner} as Viewer`);
  const link = (await invite.getByRole('region', { name: 'Invitation link' }).locator('code').textContent())?.trim() ?? '';
  const members = page.getByRole('region', { name: 'Members' });
  await expect(members).not.toContainText(accounts.partner);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, accounts.partner);
  await open(page, new URL(link).pathname);
  await expect(page.getByText(`You are signed in as ${accounts.partner}.`)).toBeVisible();
  await page.getByRole('button', { name: 'Join with this account' }).click();
  await expect(page).not.toHaveURL(/\/invite\//);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, accounts.owner);
  await sections(page).getByRole('link', { name: 'Team' }).click();
  await expect(members).toContainText(accounts.partner);
  // Leave the demo data as it was for the journeys after this one.
  page.once('dialog', (dialog) => void dialog.accept());
  const row = members.getByRole('row').filter({ hasText: accounts.partner });
  await row.getByRole('button', { name: /^Remove / }).click();
  await expect(members).not.toContainText(accounts.partner);
});
