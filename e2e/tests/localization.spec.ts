import { print } from '@0no-co/graphql.web';
import { expect, test } from '@playwright/test';
import { graphql, type ResultOf } from '../../schema/graphql';
import { apiAs, daysFromToday, studioIdOf, type ApiClient } from '../support/api';
import { eventually, makeReviewClip, tokenOf, uploadClip, waitForCase, waitForEpisode, webvtt } from '../support/review';
import { open, signIn } from '../support/session';
import { accounts, API_GRAPHQL_URL, unique, WEB_PORT } from '../support/stack';

/** Approves every case waiting in `territory` for all of its territories. */
async function approveWaiting(lead: ApiClient, territory: string): Promise<void> {
  for (;;) {
    const { claimNextCase } = await lead.call(CLAIM_NEXT, { filter: { territory } });
    if (!claimNextCase) return;
    await lead.call(DECIDE, { input: { caseId: claimNextCase.id, version: claimNextCase.version, decisions: claimNextCase.territories.map((t) => ({ territory: t, decision: 'APPROVE' as const })) } });
  }
}

test('A studio adds Spanish titles; they are reviewed, and a partner asking in es-MX gets the Spanish texts and the language used', async ({ page, request, browser }) => {
  test.setTimeout(300_000);
  const admin = await apiAs(request, accounts.admin);
  const editor = await apiAs(request, accounts.editor);
  const lead = await apiAs(request, accounts.lead);
  const title = unique('The Heiress Returns');
  let seriesId = '';
  let episodeId = '';
  let partnerKey = '';

  await test.step('set up through the API: a partner serving Mexico with an API key, and a licensed, priced series with one processed episode and Spanish subtitles', async () => {
    const { createOrganization } = await admin.call(CREATE_ORGANIZATION, { input: { kind: 'PARTNER', name: unique('Telenovela Stream') } });
    await admin.call(UPDATE_PARTNER, { id: createOrganization.id, input: { territories: ['MX'], currency: 'MXN' } });
    const { createApiKey } = await admin.call(CREATE_API_KEY, { input: { organizationId: createOrganization.id, name: 'catalog sync' } });
    partnerKey = createApiKey.secret;
    const { createSeries } = await editor.call(CREATE_SERIES, { studioId: await studioIdOf(editor), input: { title, synopsis: 'She comes back for what is hers.', originalLanguage: 'en' } });
    seriesId = createSeries.id;
    const { addEpisodes } = await editor.call(ADD_EPISODES, { input: { seriesId, fromNumber: 1, toNumber: 1, titleTemplate: 'The Return' } });
    episodeId = addEpisodes[0]!.id;
    // Mexico's policy requires Spanish audio or subtitles: the license allows Spanish subtitles and the episode has them.
    await editor.call(SET_LICENSE, {
      seriesId,
      input: { sourceWorkTitle: `${title} (web novel)`, sourceWorkKind: 'NOVEL', licensor: 'Lotus Press', licenseKind: 'ADAPTATION', territoriesIncluded: ['MX'], subtitleLanguages: ['es'], windowStart: daysFromToday(-30) + 'T00:00:00.000Z', windowEnd: daysFromToday(365) + 'T00:00:00.000Z' },
    });
    await editor.call(SET_PRICES, { input: { seriesId, fromNumber: 1, toNumber: 1, territory: 'WORLDWIDE', coins: 60 } });
    await uploadClip(await tokenOf(request, accounts.editor), episodeId, await makeReviewClip(title, 2));
    await waitForEpisode(editor, episodeId, 'READY');
    await editor.call(SET_SUBTITLES, { input: { episodeId, language: 'es', format: 'WEBVTT', content: webvtt(['¿Dónde está el contrato?']) } });
    await editor.call(SET_RELEASE_PLAN, { s: seriesId, p: createOrganization.id, i: { mode: 'ALL_AT_ONCE', startsAt: daysFromToday(-1) + 'T00:00:00.000Z' } });
  });

  await test.step('the editor adds the series’ Spanish title and synopsis on the Localization tab; a malformed language tag is refused beside the field', async () => {
    await signIn(page, accounts.editor);
    await open(page, `/catalog/${seriesId}`);
    await page.getByRole('navigation', { name: 'Series' }).getByRole('link', { name: 'Localization' }).click();
    const panel = page.getByRole('region', { name: 'Titles in other languages' });
    await expect(panel).toContainText('Only in the original language (en) so far.');
    const add = panel.getByRole('form', { name: 'Add a language' });
    await add.getByLabel('Language').fill('es_MX');
    await add.getByLabel('Title').fill('La heredera regresa');
    await add.getByLabel('Synopsis').fill('Vuelve por lo que es suyo.');
    await add.getByRole('button', { name: 'Add language' }).click();
    await expect(add.getByLabel('Language')).toHaveAccessibleDescription(/"es_MX" is not a BCP 47 language tag/);
    // What was typed stays, so only the tag needs fixing.
    await expect(add.getByLabel('Title')).toHaveValue('La heredera regresa');
    await add.getByLabel('Language').fill('es');
    await add.getByRole('button', { name: 'Add language' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The series’ es title and synopsis are saved.' })).toBeVisible();
    const spanish = panel.getByRole('listitem', { name: 'es title and synopsis' });
    await expect(spanish.getByLabel('Title (es)')).toHaveValue('La heredera regresa');
  });

  await test.step('on the episode page, the editor adds the episode’s Mexican Spanish title', async () => {
    await open(page, `/catalog/${seriesId}/episodes/${episodeId}`);
    const panel = page.getByRole('region', { name: 'Titles in other languages' });
    const add = panel.getByRole('form', { name: 'Add a language' });
    await add.getByLabel('Language').fill('es-mx');
    await add.getByLabel('Title').fill('El regreso');
    await add.getByRole('button', { name: 'Add language' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The episode’s es-MX title and synopsis are saved.' })).toBeVisible();
    await expect(panel.getByRole('listitem', { name: 'es-MX title and synopsis' }).getByLabel('Title (es-MX)')).toHaveValue('El regreso');
  });

  await test.step('the reviewer sees the Spanish texts in the case, and a lead approves it', async () => {
    const { submitForReview } = await editor.call(SUBMIT, { input: { episodeIds: [episodeId], territories: ['MX'] } });
    const caseId = submitForReview[0]!.id;
    // The screening samples keyframes and scores them with the embedded image model: on a busy machine it can take a while.
    await eventually(() => editor.call(CASE_STATUS, { id: caseId }), (r) => r.reviewCase.status === 'PENDING_REVIEW', 'the screening', 150_000);
    // The lead in a browser context of their own.
    const context = await browser.newContext({ baseURL: `http://localhost:${WEB_PORT}` });
    const leadPage = await context.newPage();
    await signIn(leadPage, accounts.lead);
    await open(leadPage, `/review/${caseId}`);
    const texts = leadPage.getByRole('region', { name: 'Titles in other languages' });
    await expect(texts).toContainText('Series · es');
    await expect(texts).toContainText('La heredera regresa');
    await expect(texts).toContainText('Episode · es-MX');
    await expect(texts).toContainText('El regreso');
    await context.close();
    await approveWaiting(lead, 'MX');
    await waitForCase(editor, caseId, 'DECIDED');
  });

  await test.step('the partner asks for Mexico in es-MX: the Spanish series title (es) and the Mexican episode title (es-MX); without a language, the original', async () => {
    const catalogIn = async (language: string | null) => {
      const response = await request.post(API_GRAPHQL_URL, { headers: { authorization: `Bearer ${partnerKey}` }, data: { query: print(PARTNER_CATALOG), variables: { language } } });
      const body = (await response.json()) as { data?: ResultOf<typeof PARTNER_CATALOG>; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data!.catalog.nodes;
    };
    const [spanish] = await eventually(() => catalogIn('es-MX'), (nodes) => nodes.length === 1, 'the episode to be live in Mexico');
    expect(spanish).toMatchObject({ title: 'La heredera regresa', synopsis: 'Vuelve por lo que es suyo.', language: 'es' });
    expect(spanish!.episodes.nodes).toEqual([{ title: 'El regreso', language: 'es-MX' }]);
    const [original] = await catalogIn(null);
    expect(original).toMatchObject({ title, language: 'en' });
    expect(original!.episodes.nodes).toEqual([{ title: 'The Return', language: 'en' }]);
  });
});

const CREATE_ORGANIZATION = graphql(`mutation CreateOrganization($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`);
const UPDATE_PARTNER = graphql(`mutation UpdatePartner($id: ID!, $input: PartnerProfileInput!) { updatePartner(partnerId: $id, input: $input) { currency } }`);
const CREATE_API_KEY = graphql(`mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`);
const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const SET_LICENSE = graphql(`mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { id } }`);
const SET_PRICES = graphql(`mutation SetPrices($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }`);
const SET_SUBTITLES = graphql(`mutation SetSubtitles($input: SubtitlesInput!) { setSubtitles(input: $input) { id } }`);
const SET_RELEASE_PLAN = graphql(`mutation SetReleasePlan($s: ID!, $p: ID!, $i: ReleasePlanInput!) { setReleasePlan(seriesId: $s, partnerId: $p, input: $i) { id } }`);
const SUBMIT = graphql(`mutation Submit($input: SubmitForReviewInput!) { submitForReview(input: $input) { id } }`);
const CLAIM_NEXT = graphql(`mutation Claim($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version territories } }`);
const CASE_STATUS = graphql(`query CaseStatus($id: ID!) { reviewCase(id: $id) { status } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id } }`);
const PARTNER_CATALOG = graphql(`query PartnerCatalog($language: String) { catalog(territory: "MX", language: $language, first: 5) { nodes { title synopsis language episodes(first: 5) { nodes { title language } } } } }`);
