import { print } from '@0no-co/graphql.web';
import { graphql } from '../../schema/graphql';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { episodeRow } from '../support/catalog';
import { apiAs, daysFromToday, studioIdOf } from '../support/api';
import { clearQueue, eventually, makeReviewClip, setSubtitles, tokenOf, uploadClip, waitForCase, waitForEpisode } from '../support/review';
import { open, reload, sections, signIn } from '../support/session';
import { accounts, API_GRAPHQL_URL, DATA_FOLDER, unique, WEB_PORT } from '../support/stack';

interface PartnerCatalog {
  catalog: { nodes: Array<{ title: string; episodes: { nodes: Array<{ number: number; title: string; price: { free: boolean; coins: number | null; currency: string | null; amount: string | null } }> } }> };
}

/** The demo partner's API key, which the API writes into its data folder when it seeds. */
async function demoPartnerKey(): Promise<string> {
  return (await readFile(path.resolve(__dirname, '..', '..', DATA_FOLDER, 'demo-partner-api-key'), 'utf8')).trim();
}

async function partnerCatalog(request: APIRequestContext, key: string, title: string, since: string) {
  const response = await request.post(API_GRAPHQL_URL, {
    headers: { authorization: `Bearer ${key}` },
    data: { query: print(PARTNER_CATALOG), variables: { since } },
  });
  const body = (await response.json()) as { data?: PartnerCatalog; errors?: Array<{ message: string }> };
  expect(body.errors, 'the partner catalog answers').toBeUndefined();
  return body.data!.catalog.nodes.find((s) => s.title === title);
}

/**
 * A new series of `episodes` episodes through the API, licensed worldwide for a year around today
 * and priced 60 coins everywhere: all a release needs but the media and its review.
 */
async function licensedSeries(editor: Awaited<ReturnType<typeof apiAs>>, title: string, episodes: number) {
  const { createSeries } = await editor.call(CREATE_SERIES, { studioId: await studioIdOf(editor), input: { title, originalLanguage: 'en', freeEpisodeCount: 0 } });
  const seriesId = createSeries.id;
  const { addEpisodes } = await editor.call(ADD_EPISODES, { input: { seriesId, fromNumber: 1, toNumber: episodes } });
  await editor.call(SET_LICENSE, {
    seriesId,
    input: {
      sourceWorkTitle: `${title} (web novel)`,
      sourceWorkKind: 'NOVEL',
      licensor: 'Moonlight Press',
      licenseKind: 'ADAPTATION',
      territoriesIncluded: ['WORLDWIDE'],
      windowStart: daysFromToday(-30) + 'T00:00:00.000Z',
      windowEnd: daysFromToday(365) + 'T00:00:00.000Z',
    },
  });
  await editor.call(SET_PRICES, { input: { seriesId, fromNumber: 1, toNumber: episodes, territory: 'WORLDWIDE', coins: 60 } });
  return { seriesId, episodeIds: addEpisodes.map((e) => e.id) as [string, ...string[]] };
}

test('A studio releases an approved series to the demo partner; the partner sees it with the US price; a lead takes an episode down', async ({ page, request }) => {
  test.setTimeout(180_000);
  const editor = await apiAs(request, accounts.editor);
  const lead = await apiAs(request, accounts.lead);
  const title = unique('Harbor Lights');
  let episodeIds: string[] = [];
  let seriesId = '';
  // Only series touched by this test, so other tests' releases never push it off the first page.
  const since = new Date().toISOString();

  await test.step('set up through the API: two approved episodes licensed worldwide, priced for the US', async () => {
    ({ seriesId, episodeIds } = await licensedSeries(editor, title, 2));
    await editor.call(SET_PRICES, { input: { seriesId, fromNumber: 1, toNumber: 2, territory: 'US', currency: 'USD', amountMinor: 49 } });

    const token = await tokenOf(request, accounts.editor);
    for (const [i, episodeId] of episodeIds.entries()) {
      await setSubtitles(editor, episodeId, ['The harbor lights are on.', 'Meet me by the pier at noon.']);
      await uploadClip(token, episodeId, await makeReviewClip(`${title}-${i + 1}`, 2));
    }
    for (const episodeId of episodeIds) await waitForEpisode(editor, episodeId, 'READY');

    const { submitForReview } = await editor.call(SUBMIT, { input: { episodeIds, territories: ['US'] } });
    for (const c of submitForReview) await waitForCase(editor, c.id, 'PENDING_REVIEW');
    // Approves whatever waits for the US, ours included, so the queue is left empty.
    await clearQueue(lead, 'US');
    for (const c of submitForReview) await waitForCase(editor, c.id, 'DECIDED');
  });

  await test.step('the editor releases the series to ShortPlay all at once, starting now', async () => {
    await signIn(page, accounts.editor);
    await open(page, `/catalog/${seriesId}`);
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'Distribution' }).click();
    await expect(page.getByText('This series is not released to any partner yet.')).toBeVisible();
    const release = page.getByRole('region', { name: 'Release to a partner' });
    // No partner is chosen for the studio: saving as the page opens releases to nobody.
    await expect(release.getByLabel('Partner').locator('option:checked')).toHaveText('Choose a partner');
    await release.getByRole('button', { name: 'Save release plan' }).click();
    await expect(release.getByLabel('Partner')).toHaveAccessibleDescription(/Choose a partner\./);
    await expect(page.getByText('This series is not released to any partner yet.')).toBeVisible();
    await release.getByLabel('Partner').selectOption({ label: 'ShortPlay' });
    // Choosing a partner answers the refusal: it no longer stands beside the field or in the summary.
    await expect(release.getByText('Choose a partner.')).toHaveCount(0);
    await expect(release.getByText('There is a problem')).toHaveCount(0);
    await release.getByLabel('Release', { exact: true }).selectOption({ label: 'All at once' });
    await expect(release.getByLabel('Starts (UTC)')).toHaveValue('');
    await release.getByRole('button', { name: 'Save release plan' }).click();
    // Releasing asks first, naming the partner and where it shows episodes; cancelling saves nothing.
    const confirm = page.getByRole('dialog', { name: 'Release to ShortPlay?' });
    await expect(confirm).toContainText('ShortPlay shows episodes in');
    await expect(confirm).toContainText('US');
    // Starting now (the start left empty): the confirmation says so, never a date already past.
    await expect(confirm).toContainText('Goes live now.');
    await expect(page.getByText('Choose a partner.')).toHaveCount(0);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByText('This series is not released to any partner yet.')).toBeVisible();
    await release.getByRole('button', { name: 'Save release plan' }).click();
    await confirm.getByRole('button', { name: 'Release to ShortPlay' }).click();
    await expect(release.getByRole('status')).toContainText('The release plan is saved. Episodes go live now');

    const shortPlay = page.getByRole('region', { name: 'ShortPlay' });
    await expect(shortPlay).toContainText('All at once from');

    // A start further ahead than the API allows (its releaseHorizon) is refused beside the field
    // before anything asks to confirm it.
    const starts = release.getByLabel('Starts (UTC)');
    await starts.fill('9999-12-31T23:59');
    await release.getByRole('button', { name: 'Save release plan' }).click();
    await expect(starts).toHaveAccessibleDescription(/The start is more than 10 years ahead: the latest is \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC\./);
    await expect(starts).toBeFocused();
    await expect(confirm).toBeHidden();
    // A second plan for the partner replaces the first, and the confirmation says so; cancelling keeps the first.
    await starts.fill('2030-06-01T00:00');
    await release.getByRole('button', { name: 'Save release plan' }).click();
    await expect(confirm).toContainText(/Replaces the current plan: all at once from \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC\./);
    await expect(confirm).toContainText('Goes live on 1 Jun 2030, 00:00 UTC.');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(starts).not.toHaveAccessibleDescription(/more than 10 years ahead/);
    await expect(shortPlay).toContainText('All at once from');
    await starts.fill('');
    const grid = shortPlay.getByRole('table', { name: 'Episodes on ShortPlay by territory' });
    await expect(grid.getByRole('columnheader', { name: 'US', exact: true })).toBeVisible();
    for (const number of [1, 2]) {
      await expect(grid.getByRole('row', { name: new RegExp(`^${number}\\. `) }).locator('td[data-territory="US"]')).toHaveText('Live');
      // Approved for the US only: elsewhere the grid says why not, in short, with the whole message a click away.
      await expect(grid.getByRole('row', { name: new RegExp(`^${number}\\. `) }).locator('td[data-territory="CA"]')).toContainText('Not approved');
    }
    await grid.getByRole('row', { name: /^1\. / }).locator('td[data-territory="CA"] summary').click();
    await expect(grid.getByRole('row', { name: /^1\. / }).locator('td[data-territory="CA"]')).toContainText('Not approved for CA by a reviewer.');
    await page.screenshot({ path: test.info().outputPath('distribution.png'), fullPage: true });
  });

  await test.step('the episode list says where each episode is approved and live', async () => {
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'Episodes' }).click();
    for (const number of [1, 2]) await expect(episodeRow(page, number)).toContainText('Approved in US · Live in US');
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'Distribution' }).click();
  });

  const key = await demoPartnerKey();

  await test.step('the partner sees both episodes at 0.49 USD in the US', async () => {
    const series = await partnerCatalog(request, key, title, since);
    expect(series, 'the series is in the partner catalog').toBeDefined();
    expect(series!.episodes.nodes.map((e) => e.number)).toEqual([1, 2]);
    for (const episode of series!.episodes.nodes) {
      expect(episode.price.amount).toBe('0.49');
      expect(episode.price.currency).toBe('USD');
    }
  });

  await test.step('a lead takes episode 1 down and the partner no longer gets it', async () => {
    await lead.call(TAKE_DOWN, { episodeId: episodeIds[0], reason: 'Rights dispute raised by the licensor.' });
    const series = await eventually(
      () => partnerCatalog(request, key, title, since),
      (s) => !!s && !s.episodes.nodes.some((e) => e.number === 1),
      'episode 1 to leave the partner catalog',
    );
    expect(series!.episodes.nodes.map((e) => e.number)).toEqual([2]);

    await reload(page);
    const grid = page.getByRole('table', { name: 'Episodes on ShortPlay by territory' });
    await expect(grid.getByRole('row', { name: /^1\. / }).locator('td[data-territory="US"]')).toContainText('Taken down');
    await expect(grid.getByRole('row', { name: /^2\. / }).locator('td[data-territory="US"]')).toHaveText('Live');
  });
});

test('A territory rejected at review reads Rejected on the Distribution grid, not Not approved', async ({ page, request }) => {
  test.setTimeout(120_000);
  const editor = await apiAs(request, accounts.editor);
  const lead = await apiAs(request, accounts.lead);
  const title = unique('Rejected Tide');
  const { seriesId, episodeIds: [episodeId] } = await licensedSeries(editor, title, 1);
  await setSubtitles(editor, episodeId, ['The tide is out.']);
  await uploadClip(await tokenOf(request, accounts.editor), episodeId, await makeReviewClip(`${title}-1`, 2));
  await waitForEpisode(editor, episodeId, 'READY');
  const { submitForReview } = await editor.call(SUBMIT, { input: { episodeIds: [episodeId], territories: ['CA'] } });
  const caseId = submitForReview[0]!.id;
  await waitForCase(editor, caseId, 'PENDING_REVIEW');
  // The lead rejects ours in CA; anything else waiting for CA is approved, so the queue is left empty.
  for (;;) {
    const { claimNextCase } = await lead.call(CLAIM_NEXT, { filter: { territory: 'CA' } });
    if (!claimNextCase) break;
    const ours = claimNextCase.id === caseId;
    await lead.call(DECIDE, {
      input: {
        caseId: claimNextCase.id,
        version: claimNextCase.version,
        decisions: [ours ? { territory: 'CA', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-01'], notes: 'Not for this market.' } : { territory: 'CA', decision: 'APPROVE' }],
      },
    });
  }
  await waitForCase(editor, caseId, 'DECIDED');

  await signIn(page, accounts.editor);
  await open(page, `/catalog/${seriesId}/distribution`);
  const release = page.getByRole('region', { name: 'Release to a partner' });
  await release.getByLabel('Partner').selectOption({ label: 'ShortPlay' });
  await release.getByRole('button', { name: 'Save release plan' }).click();
  await page.getByRole('dialog', { name: 'Release to ShortPlay?' }).getByRole('button', { name: 'Release to ShortPlay' }).click();
  await expect(release.getByRole('status')).toContainText('The release plan is saved.');

  const row = page.getByRole('table', { name: 'Episodes on ShortPlay by territory' }).getByRole('row', { name: /^1\. / });
  // Rejected at review in CA (the API's territoryOutcomes); never reviewed for the US.
  await expect(row.locator('td[data-territory="CA"] summary')).toContainText('Rejected');
  await expect(row.locator('td[data-territory="CA"] summary')).not.toContainText('Not approved');
  await expect(row.locator('td[data-territory="US"] summary')).toContainText('Not approved');
});

const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const SET_LICENSE = graphql(`mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { id } }`);
const SET_PRICES = graphql(`mutation SetPrices($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }`);
const SUBMIT = graphql(`mutation Submit($input: SubmitForReviewInput!) { submitForReview(input: $input) { id } }`);
const CLAIM_NEXT = graphql(`mutation ClaimNext($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id } }`);
const TAKE_DOWN = graphql(`mutation TakeDown($episodeId: ID!, $reason: String!) { takeDownEpisode(episodeId: $episodeId, reason: $reason) { id status } }`);
const PARTNER_CATALOG = graphql(`query Catalog($since: DateTimeISO) { catalog(territory: "US", first: 20, filter: { updatedSince: $since }) { nodes { title episodes(first: 20) { nodes { number title price { free coins currency amount } } } } } }`);

test('An operator admin reads a partner’s settings; the partner adds a webhook endpoint and sees its secret once', async ({ page, browser }) => {
  await signIn(page, accounts.admin);
  await open(page, '/admin');
  await sections(page).getByRole('link', { name: 'Partners', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Partners', level: 1 })).toBeVisible();
  const settings = page.getByRole('region', { name: 'Settings for ShortPlay' });
  await expect(settings.getByRole('button', { name: 'Remove United States (US)' })).toBeVisible();
  await expect(settings.getByRole('button', { name: 'Remove Canada (CA)' })).toBeVisible();
  await expect(settings.getByLabel('Currency')).toHaveValue('USD');

  const partner = await browser.newPage({ baseURL: `http://localhost:${WEB_PORT}` });
  await signIn(partner, accounts.partner);
  await open(partner, '/api-access');
  await expect(partner.getByRole('heading', { name: 'Partner guide' })).toBeVisible();
  const webhooks = partner.getByRole('region', { name: 'Webhooks for ShortPlay' });
  const url = `https://hooks.example.com/${unique('greenlight')}`;
  await webhooks.getByLabel('Endpoint URL').fill(url);
  await webhooks.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(webhooks.getByRole('status')).toHaveText(`Endpoint ${url} added.`);
  await expect(webhooks.getByRole('region', { name: 'Signing secret' })).toContainText('whsec_');
  const endpoint = webhooks.getByRole('article', { name: `Endpoint ${url}` });
  await expect(endpoint).toContainText('Enabled');
  await endpoint.getByRole('button', { name: `Disable ${url}` }).click();
  await expect(webhooks.getByRole('status')).toHaveText(`Endpoint ${url} disabled.`);
  await expect(endpoint).toContainText('Disabled');
  await expect(webhooks.getByRole('region', { name: 'Signing secret' })).toHaveCount(0);

  // The admin sees the same endpoint under the partner.
  await reload(page);
  await expect(page.getByRole('region', { name: 'Webhooks for ShortPlay' }).getByRole('article', { name: `Endpoint ${url}` })).toContainText('Disabled');
  await partner.close();
});
