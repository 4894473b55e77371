import { expect, test } from '@playwright/test';
import { apiAs, createPricedSeries } from '../support/api';
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

test('Range pricing lists every error in one submit — a range that ends before it starts beside a missing price and a window that ends before it starts — and a fixed submit clears them', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const series = await createPricedSeries(editor, unique('Every Error Pricing'));
  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/pricing`);
  const form = page.getByRole('region', { name: 'Set a price for a range' });
  const from = form.getByLabel('From episode');
  const to = form.getByLabel('To episode');
  const coins = form.getByLabel('Coins per episode');
  const ends = form.getByLabel('Ends on (optional)');

  await from.fill('8');
  await to.fill('5');
  await form.getByLabel('Starts on (optional)').fill('2027-02-01');
  await ends.fill('2027-01-01');
  await form.getByRole('button', { name: 'Set price' }).click();

  const summary = form.locator('.error-summary');
  await expect(summary).toBeFocused();
  // The coins could not be sent; the API's rules across fields still speak of the rest, each beside the field to fix.
  await expect(to).toHaveAccessibleDescription('The range ends before it starts: the last episode must not come before the first.');
  await expect(coins).toHaveAccessibleDescription('Enter how many coins each episode costs.');
  await expect(ends).toHaveAccessibleDescription(/The window must end after it starts\./);
  const links = summary.getByRole('link');
  await expect(links).toHaveCount(3);
  // In the order of the form.
  await expect(links.nth(0)).toHaveText('The range ends before it starts: the last episode must not come before the first.');
  await expect(links.nth(1)).toHaveText('Enter how many coins each episode costs.');
  await expect(links.nth(2)).toHaveText('The window must end after it starts.');

  // Only the range is fixed: the answer lists what is still wrong, and nothing of the last one.
  await to.fill('10');
  await form.getByRole('button', { name: 'Set price' }).click();
  await expect(summary.getByRole('link')).toHaveCount(2);
  await expect(to).not.toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('The range ends before it starts')).toHaveCount(0);

  await coins.fill('30');
  await ends.fill('2027-03-01');
  await form.getByRole('button', { name: 'Set price' }).click();
  await expect(form.getByRole('status')).toContainText('Episodes 8–10 now cost 30 coins');
  await expect(form.locator('.error-summary')).toHaveCount(0);
});

test('New series lists a number too large to send beside every other bad field', async ({ page }) => {
  await signIn(page, accounts.editor);
  await open(page, '/catalog/new');
  const free = page.getByLabel('Free episodes');
  await page.getByLabel('Original language').fill('not a language');
  await free.fill('3000000000');
  await page.getByRole('button', { name: 'Create series' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveCount(3);
  await expect(page.getByLabel('Title', { exact: true })).toHaveAccessibleDescription('Enter a title.');
  await expect(page.getByLabel('Original language')).toHaveAccessibleDescription(/"not a language" is not a BCP 47 language tag/);
  await expect(free).toHaveAccessibleDescription(/Free episodes is too large\./);
});

test('New series lists, after one submit, a control character and bad languages beside numbers it could not send, and each summary link focuses its own field', async ({ page }) => {
  await signIn(page, accounts.editor);
  await open(page, '/catalog/new');
  const title = page.getByLabel('Title', { exact: true });
  const language = page.getByLabel('Original language');
  const audio = page.getByLabel('Audio languages');
  const subtitles = page.getByLabel('Subtitle languages');
  const cover = page.getByLabel('Cover image URL');
  const free = page.getByLabel('Free episodes');
  const price = page.getByLabel('Default price in coins');
  await title.fill('   \u0007 ');
  await language.fill('klingon!!');
  await audio.fill('en, 123,');
  await subtitles.fill('xx-yy-zz-qq-ww');
  await cover.fill('ftp://example.com/x.png');
  await free.fill('-5');
  await price.fill('99999999999999999999');
  await page.getByRole('button', { name: 'Create series' }).click();

  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  const links = summary.getByRole('link');
  // Every bad field at once, in the order of the form.
  await expect(links).toHaveCount(7);
  // The control character is named by its field in the summary, as every other entry names its own.
  await expect(links.nth(0)).toHaveText(/^Title: contains the control character U\+0007/);
  await expect(links.nth(1)).toContainText('"klingon!!" is not a BCP 47 language tag');
  await expect(links.nth(5)).toHaveText('Free episodes cannot be negative.');
  await expect(links.nth(6)).toHaveText('The default price is too large.');
  const fields = [title, language, audio, subtitles, cover, free, price];
  for (const field of fields) await expect(field).toHaveAttribute('aria-invalid', 'true');
  // A link to one item of a list (the second audio language) focuses the field holding the list.
  for (const [i, field] of fields.entries()) {
    await links.nth(i).click();
    await expect(field).toBeFocused();
  }
});

test('License names the field of each control character in its summary, and each link focuses that field', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const series = await createPricedSeries(editor, unique('Control Characters'));
  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/license`);
  const licensor = page.getByLabel('Licensor', { exact: true });
  const label = page.getByLabel('Visible AI label');
  await page.getByLabel('Source work title').fill('A web novel');
  await licensor.fill('Moon\u0001light Press');
  await page.getByLabel('Window start').fill('2027-01-01');
  await page.getByLabel('Window end').fill('2028-01-01');
  await label.fill('AI\u0007 voices');
  await page.getByRole('button', { name: 'Save license' }).click();

  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  const links = summary.getByRole('link');
  await expect(links).toHaveCount(2);
  await expect(links.nth(0)).toHaveText(/^Licensor: contains the control character U\+0001/);
  await expect(links.nth(1)).toHaveText(/^Visible AI label: contains the control character U\+0007/);
  await links.nth(1).click();
  await expect(label).toBeFocused();
  await links.nth(0).click();
  await expect(licensor).toBeFocused();
});

test('License lists a holdback date it could not send beside what the API refuses in the rest, after one submit', async ({ page, request }) => {
  const editor = await apiAs(request, accounts.editor);
  const series = await createPricedSeries(editor, unique('Every License Error'));
  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}/license`);
  const licensor = page.getByLabel('Licensor', { exact: true });
  const subtitles = page.getByLabel('Subtitle languages allowed');
  await page.getByLabel('Source work title').fill('A web novel');
  await licensor.fill('Moon\u0001light Press');
  await subtitles.fill('en, klingon!!');
  const holdbacks = page.getByRole('group', { name: 'Holdbacks' });
  await holdbacks.getByRole('button', { name: 'Add a holdback' }).click();
  await holdbacks.getByLabel('Territory').selectOption({ label: 'Germany (DE)' });
  const until = holdbacks.getByLabel('Held back until');
  await page.getByRole('button', { name: 'Save license' }).click();

  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  const links = summary.getByRole('link');
  await expect(links).toHaveCount(3);
  await expect(links.nth(0)).toHaveText(/^Licensor: contains the control character U\+0001/);
  await expect(links.nth(1)).toContainText('"klingon!!" is not a BCP 47 language tag');
  await expect(links.nth(2)).toHaveText('Enter the date the holdback ends, such as 2026-03-01.');
  for (const [i, field] of [licensor, subtitles, until].entries()) {
    await links.nth(i).click();
    await expect(field).toBeFocused();
  }
});
