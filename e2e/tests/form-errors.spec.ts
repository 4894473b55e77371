import { expect, test } from '@playwright/test';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

test('Every bad field of a form is refused in one submit; the summary takes focus, its links move to each field, and the fixed form is saved', async ({ page }) => {
  await signIn(page, accounts.editor);
  await open(page, '/catalog/new');
  const title = page.getByLabel('Title', { exact: true });
  const language = page.getByLabel('Original language');
  const free = page.getByLabel('Free episodes');
  const price = page.getByLabel('Default price in coins');

  let actions = 0;
  // Four bad fields: no title, a language that is not a BCP 47 tag (the API's rule), a negative count, a negative price.
  await language.fill('not a language');
  await free.fill('-1');
  await price.fill('-60');
  actions += 3;
  await page.getByRole('button', { name: 'Create series' }).click();
  actions++;

  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  const links = summary.getByRole('link');
  await expect(links).toHaveCount(4);
  // Every field error at once, beside its field, in words (a sign, never "must be a whole number").
  await expect(title).toHaveAccessibleDescription('Enter a title.');
  await expect(language).toHaveAccessibleDescription(/"not a language" is not a BCP 47 language tag/);
  await expect(free).toHaveAccessibleDescription(/Free episodes cannot be negative\./);
  await expect(price).toHaveAccessibleDescription(/The default price cannot be negative\./);
  for (const field of [title, language, free, price]) await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('body')).not.toContainText('must be a whole number');
  expect(actions).toBe(4);

  // Each link of the summary moves focus to its field, in the order of the form.
  for (const [i, field] of [title, language, free, price].entries()) {
    await links.nth(i).click();
    await expect(field).toBeFocused();
  }

  const name = unique('Second Chances');
  await title.fill(name);
  await language.fill('en');
  await free.fill('3');
  await price.fill('60');
  await page.getByRole('button', { name: 'Create series' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `${name} is created` })).toBeVisible();
});
