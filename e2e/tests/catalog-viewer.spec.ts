import { expect, test } from '@playwright/test';
import { addStudioMember, apiAs, createPricedSeries } from '../support/api';
import { episodeRow } from '../support/catalog';
import { open, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

test('A viewer sees the catalog but no edit controls', async ({ page, request }) => {
  const series = await createPricedSeries(await apiAs(request, accounts.editor), unique('Viewer Vows'));
  const viewer = { email: `${unique('viewer')}@crimsonreel.test`, name: 'Vic Viewer', password: 'a long enough password', role: 'VIEWER' as const };
  await addStudioMember(await apiAs(request, accounts.owner), request, viewer);

  await signIn(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByRole('heading', { name: 'Catalog', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New series' })).toHaveCount(0);

  await page.getByLabel('Search series').fill(series.title);
  await page.getByRole('button', { name: 'Search' }).click();
  const card = page.getByRole('listitem').filter({ hasText: series.title });
  await expect(card).toContainText('20 episodes');
  await expect(card).toContainText('20 draft');
  await card.getByRole('link', { name: series.title }).click();

  await expect(page.getByRole('heading', { name: series.title, level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'License' })).toContainText('Available in United States now');
  await expect(episodeRow(page, 6)).toContainText('0.49 USD');
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Price the selected episodes' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Add episodes' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'View license' })).toBeVisible();

  const tabs = page.getByRole('navigation', { name: 'Series' });
  await tabs.getByRole('link', { name: 'Details' }).click();
  await expect(page.getByRole('region', { name: 'About the series' })).toBeVisible();
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Save|Archive/ })).toHaveCount(0);

  await tabs.getByRole('link', { name: 'License' }).click();
  await expect(page.getByRole('region', { name: 'License', exact: true })).toContainText('Canada, United States');
  await expect(page.getByRole('region', { name: 'License', exact: true })).toContainText('Moonlight Press');
  await expect(page.getByRole('button', { name: 'Save license' })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);

  await tabs.getByRole('link', { name: 'Pricing' }).click();
  await expect(page.getByRole('region', { name: 'Prices in United States' })).toContainText('0.49 USD');
  await expect(page.getByRole('region', { name: 'Prices in Worldwide' })).toContainText('60 coins');
  await expect(page.getByRole('button', { name: /Set price|Save defaults|Clear/ })).toHaveCount(0);

  await open(page, '/catalog/new');
  await expect(page.getByRole('heading', { name: 'Not available to you' })).toBeVisible();
});
