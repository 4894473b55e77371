import { expect, test } from '@playwright/test';
import { open, sections, signIn } from '../support/session';
import { accounts, DEMO_PASSWORD, WEB_PORT } from '../support/stack';

test('An owner signs in, sees the studio shell and signs out', async ({ page }) => {
  await signIn(page, accounts.owner);

  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByRole('banner')).toContainText('Olive Owner');
  await expect(page.getByRole('banner')).toContainText('Crimson Reel Studio');
  await expect(sections(page).getByRole('link', { name: 'Catalog' })).toBeVisible();
  await expect(sections(page).getByRole('link', { name: 'Team' })).toBeVisible();
  await expect(sections(page).getByRole('link', { name: 'Review queue' })).toHaveCount(0);
  for (const admin of ['Organizations', 'Partners', 'Review settings']) await expect(sections(page).getByRole('link', { name: admin })).toHaveCount(0);
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
  for (const admin of ['Organizations', 'Partners', 'Review settings']) await expect(sections(page).getByRole('link', { name: admin })).toHaveCount(0);
  await expect(sections(page).getByRole('link', { name: 'Catalog' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Claim next' })).toBeVisible();
});

test('A crafted link cannot send a fresh sign-in to another site', async ({ page }) => {
  // A tab after the first slash makes `//evil.example` once a browser parses it: another site.
  await open(page, '/login?redirectTo=/%09/evil.example');
  await page.getByLabel('Email').fill(accounts.owner);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/catalog$/);
  expect(new URL(page.url()).host).toBe(`localhost:${WEB_PORT}`);

  // Signed in, the login page forwards at once; line breaks in the target are refused, not a 500.
  for (const target of ['/%0D%0ASet-Cookie:%20x=1', '/%09/evil.example', 'https://evil.example/']) {
    const response = await page.request.get(`/login?redirectTo=${target}`, { maxRedirects: 0 });
    expect(response.status(), target).toBe(302);
    expect(response.headers().location, target).toBe('/');
  }
  const inside = await page.request.get(`/login?redirectTo=${encodeURIComponent('/team?x=1')}`, { maxRedirects: 0 });
  expect(inside.headers().location).toBe('/team?x=1');
});
