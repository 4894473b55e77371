import { expect, test } from '@playwright/test';
import { open, sections, signIn } from '../support/session';
import { accounts } from '../support/stack';

test('An owner signs in, sees the studio shell and signs out', async ({ page }) => {
  await signIn(page, accounts.owner);

  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByRole('banner')).toContainText('Olive Owner');
  await expect(page.getByRole('banner')).toContainText('Crimson Reel Studio');
  await expect(sections(page).getByRole('link', { name: 'Catalog' })).toBeVisible();
  await expect(sections(page).getByRole('link', { name: 'Team' })).toBeVisible();
  await expect(sections(page).getByRole('link', { name: 'Review queue' })).toHaveCount(0);
  await expect(sections(page).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Catalog', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await open(page, '/');
  await expect(page).toHaveURL(/\/login$/);
});

test('A wrong password shows a clear error', async ({ page }) => {
  await open(page, '/login');
  await page.getByLabel('Email').fill(accounts.owner);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(page).toHaveURL(/\/login$/);
  // The message must not say which of the two was wrong.
  await expect(page.getByLabel('Email')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email')).toHaveValue(accounts.owner);
});

test('A reviewer sees operator navigation', async ({ page }) => {
  await signIn(page, accounts.reviewer);

  await expect(page).toHaveURL(/\/review$/);
  await expect(sections(page).getByRole('link', { name: 'Review queue' })).toBeVisible();
  await expect(sections(page).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await expect(sections(page).getByRole('link', { name: 'Catalog' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Claim next' })).toBeVisible();
});
