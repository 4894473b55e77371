import { expect, test, type Page } from '@playwright/test';
import { apiAs } from '../support/api';
import { createDraftSeries } from '../support/episodes';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

const preflight = (page: Page) => page.getByRole('region', { name: 'Go-live pre-flight' });
const FILING = 'CN requires a filing number for the series; none is recorded.';

test('A studio reads what would stop its episodes per territory on the series and episode pages, fixes the price and the filing, and each line goes away', async ({ page, request }) => {
  const series = await createDraftSeries(await apiAs(request, accounts.editor), unique('Paper Crowns'), 3);

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  // The series page: one line per reason, worded for the episodes it concerns.
  await expect(preflight(page)).toContainText('No price for US: episodes 1–3.');
  await expect(preflight(page)).toContainText(FILING);
  await expect(preflight(page)).toContainText('Review would flag it (CN-FILING-01)');

  let actions = 0;
  await test.step('pricing the episodes on the series page removes the price line', async () => {
    await page.getByLabel('Select from').fill('1');
    await page.getByLabel('to', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Select range' }).click();
    const bulk = page.getByRole('region', { name: 'Price the selected episodes' });
    await bulk.getByLabel('Coins per episode').fill('60');
    await bulk.getByRole('button', { name: 'Set price' }).click();
    actions += 5;
    await expect(bulk.getByRole('status')).toHaveText('Episodes 1–3 now cost 60 coins worldwide.');
    await expect(preflight(page)).not.toContainText('No price for');
    await expect(preflight(page)).toContainText(FILING);
  });

  await test.step('the episode page names the filing too; recording one removes it there', async () => {
    await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[1]}`);
    await expect(preflight(page)).toContainText(FILING);
    await expect(preflight(page)).not.toContainText('No price');
    await open(page, `/catalog/${series.id}/edit`);
    await page.getByRole('button', { name: 'Add a filing' }).click();
    const filings = page.getByRole('group', { name: 'Filings' });
    await filings.getByLabel('Territory').selectOption('CN');
    await filings.getByLabel('Filing number').fill('(2026) 0412');
    await page.getByRole('button', { name: 'Save changes' }).click();
    actions += 4;
    await expect(page.getByRole('status').first()).toBeVisible();
    await open(page, `/catalog/${series.id}/episodes/${series.episodeIds[1]}`);
    await expect(preflight(page)).toBeVisible();
    await expect(preflight(page)).not.toContainText(FILING);
    await open(page, `/catalog/${series.id}`);
    await expect(preflight(page)).not.toContainText(FILING);
  });
  expect(actions).toBeLessThanOrEqual(9);
});
