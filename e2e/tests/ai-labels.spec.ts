import { expect, test, type APIRequestContext } from '@playwright/test';
import { graphql } from '../../schema/graphql';
import { apiAs, daysFromToday, studioIdOf, type ApiClient } from '../support/api';
import { eventually, makeReviewClip, tokenOf, uploadClip, waitForCase, waitForEpisode } from '../support/review';
import { open, reload, signIn } from '../support/session';
import { accounts, unique } from '../support/stack';

/** Approves every case waiting in `territory` for all of its territories, ours included. */
async function approveWaiting(lead: ApiClient, territory: string): Promise<void> {
  for (;;) {
    const { claimNextCase } = await lead.call(CLAIM_NEXT, { filter: { territory } });
    if (!claimNextCase) return;
    await lead.call(DECIDE, { input: { caseId: claimNextCase.id, version: claimNextCase.version, decisions: claimNextCase.territories.map((t) => ({ territory: t, decision: 'APPROVE' as const })) } });
  }
}

/** Through the API: a partner serving China and the US, and a licensed, priced series with one processed episode released to it. */
async function licensedSeriesWithOneEpisode(request: APIRequestContext, title: string, partnerName: string): Promise<{ seriesId: string; episodeId: string }> {
  const admin = await apiAs(request, accounts.admin);
  const editor = await apiAs(request, accounts.editor);
  const { createOrganization } = await admin.call(CREATE_ORGANIZATION, { input: { kind: 'PARTNER', name: partnerName } });
  await admin.call(UPDATE_PARTNER, { id: createOrganization.id, input: { territories: ['CN', 'US'], currency: 'USD' } });
  const studioId = await studioIdOf(editor);
  const { createSeries } = await editor.call(CREATE_SERIES, {
    studioId,
    input: { title, originalLanguage: 'zh-Hans', freeEpisodeCount: 0, filings: [{ territory: 'CN', filingNumber: '(2026) 0117' }] },
  });
  const seriesId = createSeries.id;
  const { addEpisodes } = await editor.call(ADD_EPISODES, { input: { seriesId, fromNumber: 1, toNumber: 1 } });
  const episodeId = addEpisodes[0]!.id;
  await editor.call(SET_LICENSE, {
    seriesId,
    input: { sourceWorkTitle: `${title} (web novel)`, sourceWorkKind: 'NOVEL', licensor: 'Moonlight Press', licenseKind: 'ADAPTATION', territoriesIncluded: ['CN', 'US'], windowStart: daysFromToday(-30) + 'T00:00:00.000Z', windowEnd: daysFromToday(365) + 'T00:00:00.000Z' },
  });
  await editor.call(SET_PRICES, { input: { seriesId, fromNumber: 1, toNumber: 1, territory: 'WORLDWIDE', coins: 60 } });
  await uploadClip(await tokenOf(request, accounts.editor), episodeId, await makeReviewClip(title, 2));
  await waitForEpisode(editor, episodeId, 'READY');
  await editor.call(SET_RELEASE_PLAN, { s: seriesId, p: createOrganization.id, i: { mode: 'ALL_AT_ONCE', startsAt: daysFromToday(-1) + 'T00:00:00.000Z' } });
  return { seriesId, episodeId };
}

test('A studio declares AI voices; China’s label requirement shows in the pre-flight and the distribution grid until the label is set', async ({ page, request }) => {
  test.setTimeout(300_000);
  const editor = await apiAs(request, accounts.editor);
  const lead = await apiAs(request, accounts.lead);
  const title = unique('Jade Echoes');
  const partnerName = unique('Dragon Stream');
  let seriesId = '';
  let episodeId = '';

  await test.step('set up through the API: a partner serving China and the US, and a licensed, priced series with one processed episode', async () => {
    ({ seriesId, episodeId } = await licensedSeriesWithOneEpisode(request, title, partnerName));
  });

  await test.step('the editor declares AI-generated voices with a disclosure but no visible label', async () => {
    await signIn(page, accounts.editor);
    await open(page, `/catalog/${seriesId}/license`);
    const ai = page.getByRole('region', { name: 'AI-generated content' });
    await ai.getByRole('checkbox', { name: 'Voices' }).check();
    await expect(ai.getByRole('checkbox', { name: 'The series contains AI-generated content' })).toBeChecked();
    await ai.getByLabel('AI disclosure').fill('The voices of the narrator and of Master Lin are synthesised.');
    await page.getByRole('button', { name: 'Save license' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The license is saved.' })).toBeVisible();
  });

  await test.step('the pre-flight names China’s requirement', async () => {
    await open(page, `/catalog/${seriesId}`);
    const preflight = page.getByRole('region', { name: 'Pre-flight: AI labels' });
    await expect(preflight.locator('li[data-territory="CN"]')).toContainText('AI label required');
    await expect(preflight.locator('li[data-territory="CN"]')).toContainText('a visible AI label missing');
    await expect(preflight.locator('li[data-territory="CN"]')).toContainText('voices');
    // The US has no such duty.
    await expect(preflight.locator('li[data-territory="US"]')).toHaveCount(0);
  });

  await test.step('approved for both territories, the episode is live in the US and held back in China for its label', async () => {
    const { submitForReview } = await editor.call(SUBMIT, { input: { episodeIds: [episodeId], territories: ['US', 'CN'] } });
    // The screening samples keyframes and scores them with the embedded image model: on a busy machine it can take a while.
    await eventually(() => editor.call(CASE_STATUS, { id: submitForReview[0]!.id }), (r) => r.reviewCase.status === 'PENDING_REVIEW', 'the screening', 150_000);
    await approveWaiting(lead, 'CN');
    await waitForCase(editor, submitForReview[0]!.id, 'DECIDED');

    await open(page, `/catalog/${seriesId}/distribution`);
    const grid = page.getByRole('table', { name: `Episodes on ${partnerName} by territory` });
    const row = grid.getByRole('row', { name: /^1\. / });
    await expect(row.locator('td[data-territory="US"]')).toHaveText('Live');
    await expect(row.locator('td[data-territory="CN"]')).toContainText('AI label missing');
    await row.locator('td[data-territory="CN"] summary').click();
    await expect(row.locator('td[data-territory="CN"]')).toContainText('CN requires a visible AI label for AI-generated voices');
  });

  await test.step('once the label is set, the requirement is met and the grid no longer holds the episode back for it', async () => {
    await open(page, `/catalog/${seriesId}/license`);
    await page.getByRole('region', { name: 'AI-generated content' }).getByLabel('Visible AI label').fill('AI 合成配音 · AI-generated voices');
    await page.getByRole('button', { name: 'Save license' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The license is saved.' })).toBeVisible();

    await open(page, `/catalog/${seriesId}`);
    await expect(page.getByRole('region', { name: 'Pre-flight: AI labels' }).locator('li[data-territory="CN"]')).toContainText('Label set');
    await open(page, `/catalog/${seriesId}/distribution`);
    const row = page.getByRole('table', { name: `Episodes on ${partnerName} by territory` }).getByRole('row', { name: /^1\. / });
    await expect(row.locator('td[data-territory="CN"]')).not.toContainText('AI label missing');
    // The label is reviewed material: the episode goes back to review before it is live anywhere.
    await expect(row.locator('td[data-territory="CN"]')).toContainText('Needs re-review');
    await reload(page);
    await page.screenshot({ path: test.info().outputPath('ai-labels.png'), fullPage: true });
  });
});


test('A studio declares AI voices for one episode on its page; China’s label requirement shows in the pre-flight and the distribution grid until the label is set', async ({ page, request }) => {
  test.setTimeout(300_000);
  const editor = await apiAs(request, accounts.editor);
  const lead = await apiAs(request, accounts.lead);
  const title = unique('Silk Whispers');
  const partnerName = unique('Lantern Stream');
  const { seriesId, episodeId } = await licensedSeriesWithOneEpisode(request, title, partnerName);

  await test.step('the editor declares AI-generated voices on the episode page only', async () => {
    await signIn(page, accounts.editor);
    await open(page, `/catalog/${seriesId}/episodes/${episodeId}`);
    const details = page.getByRole('region', { name: 'Details' });
    const uses = details.getByRole('group', { name: 'Made or altered with AI in this episode' });
    await uses.getByRole('checkbox', { name: 'Voices' }).check();
    await details.getByRole('button', { name: 'Save details' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Episode 1 is saved.' })).toBeVisible();
    await reload(page);
    await expect(page.getByRole('region', { name: 'Details' }).getByRole('checkbox', { name: 'Voices' })).toBeChecked();
  });

  await test.step('the series pre-flight names China’s requirement for the episode’s voices', async () => {
    await open(page, `/catalog/${seriesId}`);
    const cn = page.getByRole('region', { name: 'Pre-flight: AI labels' }).locator('li[data-territory="CN"]');
    await expect(cn).toContainText('AI label required');
    await expect(cn).toContainText('voices');
  });

  await test.step('approved, the episode is held back in China for its label', async () => {
    const { submitForReview } = await editor.call(SUBMIT, { input: { episodeIds: [episodeId], territories: ['US', 'CN'] } });
    await eventually(() => editor.call(CASE_STATUS, { id: submitForReview[0]!.id }), (r) => r.reviewCase.status === 'PENDING_REVIEW', 'the screening', 150_000);
    await approveWaiting(lead, 'CN');
    await waitForCase(editor, submitForReview[0]!.id, 'DECIDED');
    await open(page, `/catalog/${seriesId}/distribution`);
    const row = page.getByRole('table', { name: `Episodes on ${partnerName} by territory` }).getByRole('row', { name: /^1\. / });
    await expect(row.locator('td[data-territory="US"]')).toHaveText('Live');
    await expect(row.locator('td[data-territory="CN"]')).toContainText('AI label missing');
  });

  await test.step('once the series sets the label, the requirement is met', async () => {
    await open(page, `/catalog/${seriesId}/license`);
    await page.getByRole('region', { name: 'AI-generated content' }).getByLabel('Visible AI label').fill('AI 合成配音 · AI-generated voices');
    await page.getByRole('region', { name: 'AI-generated content' }).getByLabel(/AI disclosure/).fill('The voices of episode 1 are synthesised.');
    await page.getByRole('button', { name: 'Save license' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The license is saved.' })).toBeVisible();
    await open(page, `/catalog/${seriesId}`);
    await expect(page.getByRole('region', { name: 'Pre-flight: AI labels' }).locator('li[data-territory="CN"]')).toContainText('Label set');
    await open(page, `/catalog/${seriesId}/distribution`);
    const row = page.getByRole('table', { name: `Episodes on ${partnerName} by territory` }).getByRole('row', { name: /^1\. / });
    await expect(row.locator('td[data-territory="CN"]')).not.toContainText('AI label missing');
  });
});

const CREATE_ORGANIZATION = graphql(`mutation CreateOrganization($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`);
const UPDATE_PARTNER = graphql(`mutation UpdatePartner($id: ID!, $input: PartnerProfileInput!) { updatePartner(partnerId: $id, input: $input) { currency } }`);
const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const SET_LICENSE = graphql(`mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { id } }`);
const SET_PRICES = graphql(`mutation SetPrices($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }`);
const SET_RELEASE_PLAN = graphql(`mutation SetReleasePlan($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }`);
const SUBMIT = graphql(`mutation Submit($input: SubmitForReviewInput!) { submitForReview(input: $input) { id } }`);
const CLAIM_NEXT = graphql(`mutation Claim($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version territories } }`);
const CASE_STATUS = graphql(`query CaseStatus($id: ID!) { reviewCase(id: $id) { status } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id } }`);
