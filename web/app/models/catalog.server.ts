import { graphql, type ResultOf, type VariablesOf } from '~/graphql';
import { AiLabelRequirementFields, type AiLabelRequirement } from '~/components/ai-label-preflight';
import { GoLiveCheckFields, type GoLiveCheck } from '~/components/go-live-preflight';
import { LocalizationCheckFields, type LocalizationCheck } from '~/components/localization-preflight';
import { TerritoryOutcomeFields } from '~/components/territory-outcomes';
import { EPISODE_PAGE_SIZE, EffectivePriceFields, UploadPolicyFields, type CurrencyOption, type TerritoryOption, type UploadPolicy } from './catalog';
import { gql, type ApiError, type ApiResult } from './graphql.server';

const SeriesCardFields = graphql(`
  fragment SeriesCardFields on Series { id title coverImageUrl episodeCount statusCounts { status count } archivedAt }
`);
const SeriesDetailFields = graphql(
  `fragment SeriesDetailFields on Series {
    ...SeriesCardFields
    studioId synopsis genres originalLanguage audioLanguages subtitleLanguages orientation
    maturityRatings { territory rating system } filings { territory filingNumber authority issuedOn }
    freeEpisodeCount defaultCoinPrice updatedAt
  }`,
  [SeriesCardFields],
);
const LicenseFields = graphql(`
  fragment LicenseFields on License {
    sourceWorkTitle sourceWorkKind sourceWorkAuthor sourceWorkPublisher licensor licenseKind
    territoriesIncluded territoriesExcluded windowStart windowEnd exclusive payPerEpisode avod svod
    subtitleLanguages dubLanguages holdbacks { territory until } contractReference aiGeneratedContent aiDisclosure aiElements aiLabel updatedAt
  }
`);

export type SeriesCard = ResultOf<typeof SeriesCardFields>;
export type SeriesDetails = ResultOf<typeof SeriesDetailFields>;
export type License = ResultOf<typeof LicenseFields>;

export interface SeriesPage {
  series: SeriesCard[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

const SERIES_LIST = graphql(
  `query SeriesList($studioId: ID!, $search: String, $includeArchived: Boolean, $first: Int, $after: String) {
    seriesList(studioId: $studioId, search: $search, includeArchived: $includeArchived, first: $first, after: $after) {
      nodes { ...SeriesCardFields }
      pageInfo { endCursor hasNextPage }
    }
  }`,
  [SeriesCardFields],
);
const SERIES_CARD = graphql(`query SeriesCard($id: ID!) { series(id: $id) { ...SeriesCardFields studioId } }`, [SeriesCardFields]);
const SERIES_DETAILS = graphql(`query SeriesDetails($id: ID!) { series(id: $id) { ...SeriesDetailFields } }`, [SeriesDetailFields]);
const SERIES_OVERVIEW = graphql(
  `query SeriesOverview($id: ID!, $territory: String!, $first: Int, $after: String, $withDetails: Boolean!) {
    series(id: $id) {
      ... @include(if: $withDetails) {
        ...SeriesDetailFields
        license { ...LicenseFields }
        availability(territory: $territory) { available reasons { code message } }
        localizationPreflight { ...LocalizationCheckFields }
        goLivePreflight { ...GoLiveCheckFields }
        aiLabelRequirements { ...AiLabelRequirementFields }
      }
      episodes(first: $first, after: $after) {
        nodes { id number title status durationSeconds viewerCanSubmitForReview media { posterUrl } effectivePrice(territory: $territory) { ...EffectivePriceFields } territoryOutcomes { ...TerritoryOutcomeFields } liveTerritories }
        pageInfo { endCursor hasNextPage }
      }
    }
  }`,
  [SeriesDetailFields, LicenseFields, EffectivePriceFields, LocalizationCheckFields, GoLiveCheckFields, AiLabelRequirementFields, TerritoryOutcomeFields],
);
const CREATE_SERIES = graphql(`mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id title } }`);
const SERIES_INPUT_PROBLEMS = graphql(`query SeriesInputProblems($input: SeriesInput!, $forUpdate: Boolean) { seriesInputProblems(input: $input, forUpdate: $forUpdate) { field message } }`);
const UPDATE_SERIES = graphql(`mutation UpdateSeries($id: ID!, $input: SeriesInput!) { updateSeries(id: $id, input: $input) { id title } }`);
const ARCHIVE_SERIES = graphql(`mutation ArchiveSeries($id: ID!) { archiveSeries(id: $id) { id title } }`);
const RESTORE_SERIES = graphql(`mutation RestoreSeries($id: ID!) { restoreSeries(id: $id) { id title } }`);
const ADD_EPISODES = graphql(`mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`);
const RENAME_EPISODE = graphql(`mutation RenameEpisode($input: UpdateEpisodeInput!) { updateEpisode(input: $input) { number title } }`);
const EPISODE_PRICES_INPUT_PROBLEMS = graphql(`query EpisodePricesInputProblems($input: SetEpisodePricesInput!) { episodePricesInputProblems(input: $input) { field message } }`);
const SET_EPISODE_PRICES = graphql(`mutation SetEpisodePrices($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }`);
const CLEAR_EPISODE_PRICES = graphql(`mutation ClearEpisodePrices($input: ClearEpisodePricesInput!) { clearEpisodePrices(input: $input) }`);
const SERIES_LICENSE = graphql(`query SeriesLicense($id: ID!) { series(id: $id) { license { ...LicenseFields } } }`, [LicenseFields]);
const LICENSE_INPUT_PROBLEMS = graphql(`query LicenseInputProblems($input: LicenseInput!) { licenseInputProblems(input: $input) { field message } }`);
const SET_LICENSE = graphql(
  `mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { ...LicenseFields } }`,
  [LicenseFields],
);
const SERIES_PRICING = graphql(
  `query SeriesPricing($id: ID!, $territory: String!, $at: DateTimeISO) {
    series(id: $id) {
      freeEpisodeCount defaultCoinPrice episodeCount
      priceTerms { id episodeNumber territory free coins currency amountMinor startsAt endsAt }
      pricePreview(territory: $territory, at: $at) { episode { id number title status } price { ...EffectivePriceFields } }
    }
  }`,
  [EffectivePriceFields],
);
const AVAILS_CSV = graphql(`query AvailsCsv($studioId: ID!, $seriesId: ID) { availsCsv(studioId: $studioId, seriesId: $seriesId) }`);
const UPLOAD_POLICY = graphql(`query UploadPolicy { uploadPolicy { ...UploadPolicyFields } }`, [UploadPolicyFields]);
const TERRITORIES = graphql(`query Territories { territories }`);
const CURRENCIES = graphql(`query Currencies { currencies { code exponent maxAmountMinor } }`);

/** What the API takes to create or change a series; on update every field given is replaced. */
export type SeriesInput = VariablesOf<typeof CREATE_SERIES>['input'];
export type LicenseInput = VariablesOf<typeof SET_LICENSE>['input'];
/** A price over episodes fromNumber..toNumber in one territory (or WORLDWIDE). */
export type EpisodePricesInput = VariablesOf<typeof SET_EPISODE_PRICES>['input'];
type OverviewSeries = ResultOf<typeof SERIES_OVERVIEW>['series'];
export type EpisodeRow = OverviewSeries['episodes']['nodes'][number];
export type SeriesPricing = ResultOf<typeof SERIES_PRICING>['series'];

export const SERIES_PAGE_SIZE = 24;

/** A studio's series, newest first. */
export async function listSeries(
  request: Request,
  options: { studioId: string; search?: string; includeArchived?: boolean; after?: string | null },
): Promise<ApiResult<SeriesPage>> {
  const result = await gql(request, SERIES_LIST, {
      studioId: options.studioId,
      search: options.search || null,
      includeArchived: Boolean(options.includeArchived),
      first: SERIES_PAGE_SIZE,
      after: options.after || null,
  });
  if (!result.ok) return result;
  const { nodes, pageInfo } = result.data.seriesList;
  return { ok: true, data: { series: nodes, nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null } };
}

export async function getSeriesCard(request: Request, id: string): Promise<ApiResult<SeriesCard & { studioId: string }>> {
  const result = await gql(request, SERIES_CARD, { id });
  return result.ok ? { ok: true, data: result.data.series } : result;
}

export async function getSeriesDetails(request: Request, id: string): Promise<ApiResult<SeriesDetails>> {
  const result = await gql(request, SERIES_DETAILS, { id });
  return result.ok ? { ok: true, data: result.data.series } : result;
}

type SeriesOverviewDetails = SeriesDetails & {
  license: License | null;
  availability: { available: boolean; reasons: Array<{ code: string; message: string }> };
  localizationPreflight: LocalizationCheck[];
  goLivePreflight: GoLiveCheck[];
  aiLabelRequirements: AiLabelRequirement[];
};

export interface SeriesOverview {
  series: SeriesOverviewDetails;
  episodes: EpisodeRow[];
  /** More episodes exist beyond those loaded. */
  hasMore: boolean;
}

/**
 * The series page: details, license, availability and the first `count` episodes with their price
 * in `territory`, fetched a page at a time.
 */
export async function getSeriesOverview(request: Request, id: string, territory: string, count: number): Promise<ApiResult<SeriesOverview>> {
  let after: string | null = null;
  let details: SeriesOverviewDetails | undefined;
  const episodes: EpisodeRow[] = [];
  for (;;) {
    const first = Math.min(EPISODE_PAGE_SIZE, count - episodes.length);
    const result: ApiResult<ResultOf<typeof SERIES_OVERVIEW>> = await gql(request, SERIES_OVERVIEW, { id, territory, first, after, withDetails: !details });
    if (!result.ok) return result;
    const { episodes: page, ...series } = result.data.series as OverviewSeries;
    // The first page asked for the details (@include), so they are there.
    details ??= series as unknown as SeriesOverviewDetails;
    episodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || episodes.length >= count) return { ok: true, data: { series: details, episodes, hasMore: page.pageInfo.hasNextPage } };
    after = page.pageInfo.endCursor;
  }
}

export async function createSeries(request: Request, studioId: string, input: SeriesInput): Promise<ApiResult<{ id: string; title: string }>> {
  const result = await gql(request, CREATE_SERIES, { studioId, input });
  return result.ok ? { ok: true, data: result.data.createSeries } : result;
}

/**
 * A problems question the API refused as a whole because it refused some of the text itself (a
 * control character): that refusal lists the refused text beside every other problem of the input.
 * Any other failure: {} (the write will say it then).
 */
function problemsOfRefusal(error: ApiError): Record<string, string> {
  return error.code === 'BAD_USER_INPUT' ? (error.fieldErrors ?? (error.field ? { [error.field]: error.message } : {})) : {};
}

/**
 * What the API's rules refuse in a series input, field → message (fields named as `ApiError.field`
 * names them); {} when nothing, or when the API could not be asked (the write will say it then).
 */
export async function seriesInputProblems(request: Request, input: SeriesInput, forUpdate: boolean): Promise<Record<string, string>> {
  const result = await gql(request, SERIES_INPUT_PROBLEMS, { input, forUpdate });
  if (!result.ok) return problemsOfRefusal(result.error);
  return Object.fromEntries(result.data.seriesInputProblems.map((p) => [p.field.replace(/^input\./, ''), p.message]));
}

export async function updateSeries(request: Request, id: string, input: Partial<SeriesInput>): Promise<ApiResult<{ id: string; title: string }>> {
  const result = await gql(request, UPDATE_SERIES, { id, input });
  return result.ok ? { ok: true, data: result.data.updateSeries } : result;
}

/** Archives (hides from the catalog list) or restores a series. */
export async function setSeriesArchived(request: Request, id: string, archived: boolean): Promise<ApiResult<{ id: string; title: string }>> {
  if (archived) {
    const result = await gql(request, ARCHIVE_SERIES, { id });
    return result.ok ? { ok: true, data: result.data.archiveSeries } : result;
  }
  const result = await gql(request, RESTORE_SERIES, { id });
  return result.ok ? { ok: true, data: result.data.restoreSeries } : result;
}

export async function addEpisodes(request: Request, input: VariablesOf<typeof ADD_EPISODES>['input']): Promise<ApiResult<number>> {
  const result = await gql(request, ADD_EPISODES, { input });
  return result.ok ? { ok: true, data: result.data.addEpisodes.length } : result;
}

export async function renameEpisode(request: Request, input: { id: string; title: string }): Promise<ApiResult<{ number: number; title: string }>> {
  const result = await gql(request, RENAME_EPISODE, { input });
  return result.ok ? { ok: true, data: result.data.updateEpisode } : result;
}

/** Bulk price edit over a range; returns how many episodes it priced. */
export async function setEpisodePrices(request: Request, input: EpisodePricesInput): Promise<ApiResult<number>> {
  const result = await gql(request, SET_EPISODE_PRICES, { input });
  return result.ok ? { ok: true, data: result.data.setEpisodePrices.length } : result;
}

/**
 * What the API's rules refuse in a price input — its fields and its rules across fields — field →
 * message (named as `ApiError.field` names them); {} when nothing, or when the API could not be asked.
 */
export async function episodePricesInputProblems(request: Request, input: EpisodePricesInput): Promise<Record<string, string>> {
  const result = await gql(request, EPISODE_PRICES_INPUT_PROBLEMS, { input });
  if (!result.ok) return problemsOfRefusal(result.error);
  return Object.fromEntries(result.data.episodePricesInputProblems.map((p) => [p.field.replace(/^input\./, ''), p.message]));
}

/** Removes the prices set on a range in one territory; returns how many were removed. */
export async function clearEpisodePrices(request: Request, input: VariablesOf<typeof CLEAR_EPISODE_PRICES>['input']): Promise<ApiResult<number>> {
  const result = await gql(request, CLEAR_EPISODE_PRICES, { input });
  return result.ok ? { ok: true, data: result.data.clearEpisodePrices } : result;
}

export async function getLicense(request: Request, seriesId: string): Promise<ApiResult<License | null>> {
  const result = await gql(request, SERIES_LICENSE, { id: seriesId });
  return result.ok ? { ok: true, data: result.data.series.license } : result;
}

/**
 * What the API's rules refuse in a license input — its fields and its rules across fields — field →
 * message (named as `ApiError.field` names them); {} when nothing, or when the API could not be asked.
 */
export async function licenseInputProblems(request: Request, input: LicenseInput): Promise<Record<string, string>> {
  const result = await gql(request, LICENSE_INPUT_PROBLEMS, { input });
  if (!result.ok) return problemsOfRefusal(result.error);
  return Object.fromEntries(result.data.licenseInputProblems.map((p) => [p.field.replace(/^input\./, ''), p.message]));
}

export async function setLicense(request: Request, seriesId: string, input: LicenseInput): Promise<ApiResult<License>> {
  const result = await gql(request, SET_LICENSE, { seriesId, input });
  return result.ok ? { ok: true, data: result.data.setLicense } : result;
}

/** The pricing editor: series defaults, every price term, and what `territory` pays at `at`. */
export async function getSeriesPricing(request: Request, id: string, territory: string, at: string | null): Promise<ApiResult<SeriesPricing>> {
  const result = await gql(request, SERIES_PRICING, { id, territory, at });
  return result.ok ? { ok: true, data: result.data.series } : result;
}

/** EMA avails for one series, or for the studio's whole catalog when `seriesId` is omitted. */
export async function getAvailsCsv(request: Request, studioId: string, seriesId?: string): Promise<ApiResult<string>> {
  const result = await gql(request, AVAILS_CSV, { studioId, seriesId: seriesId ?? null });
  return result.ok ? { ok: true, data: result.data.availsCsv } : result;
}

// Territories and currencies are fixed lists; each server process asks for them once.
let territoriesCache: TerritoryOption[] | undefined;
let currenciesCache: CurrencyOption[] | undefined;

/** ISO 3166-1 territories the API accepts, with English names, sorted by name. */
export async function listTerritories(request: Request): Promise<ApiResult<TerritoryOption[]>> {
  if (territoriesCache) return { ok: true, data: territoriesCache };
  const result = await gql(request, TERRITORIES, {});
  if (!result.ok) return result;
  // Named here, on the server, so the browser renders the same text and hydration agrees.
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  territoriesCache = result.data.territories
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return { ok: true, data: territoriesCache };
}

/** What an upload may be, as the API states it: the dashboard keeps no list of its own. */
export async function getUploadPolicy(request: Request): Promise<ApiResult<UploadPolicy>> {
  const result = await gql(request, UPLOAD_POLICY, {});
  return result.ok ? { ok: true, data: result.data.uploadPolicy } : result;
}

/** ISO 4217 currencies with their minor-unit exponents and English names, by code. */
export async function listCurrencies(request: Request): Promise<ApiResult<CurrencyOption[]>> {
  if (currenciesCache) return { ok: true, data: currenciesCache };
  const result = await gql(request, CURRENCIES, {});
  if (!result.ok) return result;
  const names = new Intl.DisplayNames(['en'], { type: 'currency', fallback: 'code' });
  currenciesCache = result.data.currencies.map((c) => ({ ...c, name: names.of(c.code) ?? c.code })).sort((a, b) => a.code.localeCompare(b.code));
  return { ok: true, data: currenciesCache };
}
