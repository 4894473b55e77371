import { expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from './stack';

/** Opens a page and waits until React has hydrated it, so forms run their client-side code. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Signs in through the login form and waits to leave it. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export function sections(page: Page) {
  return page.getByRole('navigation', { name: 'Sections' });
}
