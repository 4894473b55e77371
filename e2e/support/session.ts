import { expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from './stack';

/**
 * The one way a journey loads a document: runs `navigate` (a goto, a reload, a click on a link that
 * reloads the page) and waits until React has hydrated the new document, so forms and widgets run
 * their client-side code. Before hydration a click can submit a form natively or land on a control
 * that hydration then resets. The old document's mark is removed first, so it cannot be mistaken for
 * the new one's.
 */
export async function loadDocument(page: Page, navigate: () => Promise<unknown>): Promise<void> {
  await page
    .evaluate(() => {
      delete document.documentElement.dataset.hydrated;
    })
    .catch(() => undefined); // a page still navigating has no document to mark; it has no mark either
  await navigate();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Opens a path and waits until the page is ready for input. */
export async function open(page: Page, path: string): Promise<void> {
  await loadDocument(page, () => page.goto(path));
}

/** Reloads the page and waits until it is ready for input. */
export async function reload(page: Page): Promise<void> {
  await loadDocument(page, () => page.reload());
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
