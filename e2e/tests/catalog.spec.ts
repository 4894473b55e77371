import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { apiAs, createPricedSeries, daysFromToday } from '../support/api';
import { episodeRow, parseCsv } from '../support/catalog';
import { open, reload, sections, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

test('An editor prices a new series for the US and Canada', async ({ page }) => {
  // The longest catalog journey (eight page loads, about fifty steps): on a busy two-core machine it
  // needs more than the default minute, like the other long journeys. Each step keeps its own limit.
  test.setTimeout(120_000);
  const title = unique('Moonlit Vows');
  const windowStart = daysFromToday(-30);
  const windowEnd = daysFromToday(365);

  await signIn(page, accounts.editor);
  await sections(page).getByRole('link', { name: 'Catalog' }).click();
  await page.getByRole('link', { name: 'New series' }).first().click();
  await expect(page.getByRole('heading', { name: 'New series', level: 1 })).toBeVisible();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Original language').fill('en');
  await page.getByLabel('Free episodes').fill('5');
  await page.getByRole('button', { name: 'Create series' }).click();

  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `${title} is created` })).toBeVisible();

  const add = page.getByRole('region', { name: 'Add episodes' });
  await expect(add.getByLabel('From')).toHaveValue('1');
  await add.getByLabel('To', { exact: true }).fill('20');
  await add.getByRole('button', { name: 'Add episodes' }).click();
  await expect(add.getByRole('status')).toHaveText('Added 20 episodes (1–20) as drafts.');
  await expect(page.getByText('20 episodes · 20 draft')).toBeVisible();

  await test.step('episodes 6–20 cost 60 coins worldwide', async () => {
    await page.getByLabel('Select from').fill('6');
    await page.getByLabel('to', { exact: true }).fill('20');
    await page.getByRole('button', { name: 'Select range' }).click();
    const bulk = page.getByRole('region', { name: 'Price the selected episodes' });
    await expect(bulk).toContainText('15 episodes selected: 6–20.');
    await expect(bulk.getByLabel('Territory')).toHaveValue('WORLDWIDE');
    await bulk.getByLabel('Coins per episode').fill('60');
    await bulk.getByRole('button', { name: 'Set price' }).click();
    await expect(bulk.getByRole('status')).toHaveText('Episodes 6–20 now cost 60 coins worldwide.');
  });

  await test.step('and 0.49 USD in the US, after a clear refusal of a third decimal', async () => {
    const bulk = page.getByRole('region', { name: 'Price the selected episodes' });
    await expect(bulk).toContainText('15 episodes selected: 6–20.');
    await bulk.getByLabel('Territory').selectOption({ label: 'United States (US)' });
    await bulk.getByRole('radio', { name: 'Money' }).check();
    await bulk.getByLabel('Amount').fill('0.499');
    await bulk.getByRole('button', { name: 'Set price' }).click();
    await expect(bulk.getByLabel('Amount')).toHaveAccessibleDescription('USD allows at most 2 decimal places, such as 0.49.');

    await bulk.getByLabel('Amount').fill('0.49');
    await bulk.getByRole('button', { name: 'Set price' }).click();
    await expect(bulk.getByRole('status')).toHaveText('Episodes 6–20 now cost 0.49 USD in United States.');
  });

  await test.step('the license covers the US and Canada from a month ago for a year', async () => {
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'License' }).click();
    await page.getByLabel('Source work title').fill(`${title} (web novel)`);
    await page.getByLabel('Licensor', { exact: true }).fill('Moonlight Press');
    const included = page.getByRole('group', { name: 'Included territories' });
    await included.getByLabel('Find a territory').fill('united states');
    await included.getByRole('checkbox', { name: 'United States (US)' }).check();
    await included.getByLabel('Find a territory').fill('CA');
    await included.getByRole('checkbox', { name: 'Canada (CA)' }).check();
    await expect(included.getByRole('button', { name: 'Remove United States (US)' })).toBeVisible();
    await expect(included.getByRole('button', { name: 'Remove Canada (CA)' })).toBeVisible();
    await page.getByLabel('Window start').fill(windowStart);
    await page.getByLabel('Window end').fill(windowEnd);
    await page.getByRole('button', { name: 'Save license' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The license is saved.' })).toBeVisible();
  });

  await test.step('the episodes table shows what the US and Canada pay', async () => {
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'Episodes' }).click();
    const license = page.getByRole('region', { name: 'License', exact: true });
    await expect(license).toContainText('Available in United States now');
    await expect(license).toContainText('Canada, United States');
    await expect(license).toContainText(`${windowStart} to ${windowEnd}`);

    await expect(episodeRow(page, 1)).toContainText('Free');
    await expect(episodeRow(page, 1)).toContainText('Episodes 1–5 are free.');
    await expect(episodeRow(page, 6)).toContainText('0.49 USD');
    await expect(episodeRow(page, 6)).toContainText('US price');

    await page.getByLabel('Prices in').selectOption({ label: 'Canada (CA)' });
    await expect(page).toHaveURL(/territory=CA/);
    await expect(page.getByRole('columnheader', { name: 'Price in Canada' })).toBeVisible();
    await expect(episodeRow(page, 1)).toContainText('Free');
    await expect(episodeRow(page, 6)).toContainText('60 coins');
    await expect(episodeRow(page, 6)).toContainText('worldwide price');
    await expect(page.getByRole('region', { name: 'License' })).toContainText('Available in Canada now');
  });

  await test.step('a window that ends before it starts is refused beside the window end', async () => {
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'License' }).click();
    await page.getByLabel('Window end').fill(daysFromToday(-60));
    await page.getByRole('button', { name: 'Save license' }).click();
    await expect(page.getByLabel('Window end')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Window end')).toHaveAccessibleDescription(/The window must end after it starts\./);
    await expect(page.getByLabel('Window start')).not.toHaveAttribute('aria-invalid', 'true');

    await reload(page);
    await expect(page.getByLabel('Window end')).toHaveValue(windowEnd);
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'Episodes' }).click();
    await expect(page.getByRole('region', { name: 'License', exact: true })).toContainText(`${windowStart} to ${windowEnd}`);
  });
});

test('An editor frees hand-picked episodes in one territory, then clears them', async ({ page, request }) => {
  const series = await createPricedSeries(await apiAs(request, accounts.editor), unique('Picked Vows'));

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}?territory=DE`);
  await page.getByLabel('Select episode 7', { exact: true }).check();
  await page.getByLabel('Select episode 9', { exact: true }).check();
  await page.getByLabel('Select episode 12', { exact: true }).click({ modifiers: ['Shift'] });
  const bulk = page.getByRole('region', { name: 'Price the selected episodes' });
  await expect(bulk).toContainText('5 episodes selected: 7, 9–12.');

  await bulk.getByLabel('Territory').selectOption({ label: 'Germany (DE)' });
  await bulk.getByRole('radio', { name: 'Free' }).check();
  await bulk.getByRole('button', { name: 'Set price' }).click();
  await expect(bulk.getByRole('status')).toHaveText('Episodes 7, 9–12 are now free in Germany.');
  await expect(episodeRow(page, 7)).toContainText('Free');
  await expect(episodeRow(page, 8)).toContainText('60 coins');
  await expect(episodeRow(page, 10)).toContainText('Free');
  await expect(episodeRow(page, 10)).toContainText('DE price');

  await bulk.getByRole('button', { name: 'Clear prices in this territory' }).click();
  await expect(bulk.getByRole('status')).toHaveText('Removed 5 prices set in Germany on episodes 7, 9–12; the series defaults apply there again.');
  await expect(episodeRow(page, 10)).toContainText('60 coins');
  await expect(episodeRow(page, 10)).toContainText('worldwide price');
});

test('An editor renames an episode in place', async ({ page, request }) => {
  const series = await createPricedSeries(await apiAs(request, accounts.editor), unique('Renamed Vows'));

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  // Every page reload after an answer comes late, as on a busy server: the next title must still go through.
  await page.route(/\.data(\?|$)/, async (route) => {
    if (route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 2_000));
    await route.fallback();
  });
  await episodeRow(page, 7).getByRole('button', { name: 'Rename episode 7' }).click();
  await page.getByLabel('Title of episode 7').fill('   ');
  await page.getByLabel('Title of episode 7').press('Enter');
  await expect(page.getByLabel('Title of episode 7')).toHaveAccessibleDescription('Enter a title.');

  await page.getByLabel('Title of episode 7').fill('The Contract Bride');
  await page.getByLabel('Title of episode 7').press('Enter');
  await expect(episodeRow(page, 7).getByRole('link')).toHaveText('The Contract Bride');
  await expect(page.getByRole('button', { name: 'Rename episode 7' })).toBeFocused();
  await page.unrouteAll();
  await reload(page);
  await expect(episodeRow(page, 7)).toContainText('The Contract Bride');
  await expect(episodeRow(page, 8)).toContainText('Episode 8');
});

test('The avails CSV of that series opens with the expected rows', async ({ page, request }) => {
  const series = await createPricedSeries(await apiAs(request, accounts.editor), unique('Avails Vows'));

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${series.id}`);
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download avails (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^avails-vows-.*-avails-\d{4}-\d{2}-\d{2}\.csv$/);

  const [header, ...rows] = parseCsv(await readFile(await download.path(), 'utf8'));
  expect(header!.join(',')).toContain('Territory,WorkType,EntryType,SeriesTitleDisplayUnlimited,EpisodeNumber');
  expect(rows).toHaveLength(40);
  const at = (name: string) => header!.indexOf(name);
  const row = (territory: string, episode: number) => rows.find((r) => r[at('Territory')] === territory && r[at('EpisodeNumber')] === String(episode));
  expect(rows.filter((r) => r[at('Territory')] === 'US')).toHaveLength(20);
  expect(rows.filter((r) => r[at('Territory')] === 'CA')).toHaveLength(20);
  expect(row('US', 6)!.join(',')).toContain('SRP,0.49,USD');
  expect(row('CA', 6)!.join(',')).toContain('Tier,60 coins');
  expect(row('US', 1)!.join(',')).toContain('Category,Free');
  expect(row('US', 6)![at('SeriesTitleDisplayUnlimited')]).toBe(series.title);

  // The whole catalog's avails hold the same rows among every other licensed series.
  await page.getByRole('link', { name: 'Catalog', exact: true }).first().click();
  const catalogDownloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download catalog avails (CSV)' }).click();
  const [catalogHeader, ...catalogRows] = parseCsv(await readFile(await (await catalogDownloading).path(), 'utf8'));
  expect(catalogHeader).toEqual(header);
  expect(catalogRows.filter((r) => r[at('SeriesTitleDisplayUnlimited')] === series.title)).toHaveLength(40);
});
