import { LOCALIZATION_PREFLIGHT_FIELDS, type LocalizationCheck } from './localization';
import {
  EPISODE_PAGE_SIZE,
  type CurrencyOption,
  type EffectivePrice,
  type EpisodeStatus,
  type LicenseKind,
  type Orientation,
  type SourceWorkKind,
  type TerritoryOption,
  type UploadPolicy,
} from './catalog';
import { gql, type ApiResult } from './graphql.server';

export interface StatusCount {
  status: EpisodeStatus;
  count: number;
}

export interface SeriesCard {
  id: string;
  title: string;
  coverImageUrl: string | null;
  episodeCount: number;
  statusCounts: StatusCount[];
  archivedAt: string | null;
}

export interface SeriesPage {
  series: SeriesCard[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface TerritoryRating {
  territory: string;
  rating: string;
  system: string | null;
}

export interface RegulatoryFiling {
  territory: string;
  filingNumber: string;
  authority: string | null;
  issuedOn: string | null;
}

export interface SeriesDetails extends SeriesCard {
  studioId: string;
  synopsis: string;
  genres: string[];
  originalLanguage: string;
  audioLanguages: string[];
  subtitleLanguages: string[];
  orientation: Orientation;
  maturityRatings: TerritoryRating[];
  filings: RegulatoryFiling[];
  freeEpisodeCount: number;
  defaultCoinPrice: number | null;
  updatedAt: string;
}

/** What the API takes to create or change a series; on update every field given is replaced. */
export interface SeriesInput {
  title: string;
  synopsis: string;
  genres: string[];
  originalLanguage: string;
  audioLanguages: string[];
  subtitleLanguages: string[];
  orientation: Orientation;
  coverImageUrl: string | null;
  maturityRatings: Array<{ territory: string; rating: string; system: string | null }>;
  filings: Array<{ territory: string; filingNumber: string; authority: string | null; issuedOn: string | null }>;
  freeEpisodeCount: number;
  defaultCoinPrice: number | null;
}

export interface Holdback {
  territory: string;
  until: string;
}

export interface License {
  sourceWorkTitle: string;
  sourceWorkKind: SourceWorkKind;
  sourceWorkAuthor: string | null;
  sourceWorkPublisher: string | null;
  licensor: string;
  licenseKind: LicenseKind;
  territoriesIncluded: string[];
  territoriesExcluded: string[];
  windowStart: string | null;
  windowEnd: string | null;
  exclusive: boolean;
  payPerEpisode: boolean;
  avod: boolean;
  svod: boolean;
  subtitleLanguages: string[];
  dubLanguages: string[];
  holdbacks: Holdback[];
  contractReference: string | null;
  aiGeneratedContent: boolean;
  aiDisclosure: string | null;
  aiElements: string[];
  aiLabel: string | null;
  updatedAt: string;
}

export type LicenseInput = Omit<License, 'updatedAt'>;

export interface Availability {
  available: boolean;
  reasons: Array<{ code: string; message: string }>;
}

export interface EpisodeRow {
  id: string;
  number: number;
  title: string;
  status: EpisodeStatus;
  durationSeconds: number | null;
  /** The current video, once one is uploaded and processed. */
  media: { posterUrl: string | null } | null;
  effectivePrice: EffectivePrice;
}

export interface PriceTerm {
  id: string;
  episodeNumber: number;
  territory: string;
  free: boolean;
  coins: number | null;
  currency: string | null;
  amountMinor: number | null;
  startsAt: string | null;
  endsAt: string | null;
}

export interface EpisodePrice {
  episode: { id: string; number: number; title: string; status: EpisodeStatus };
  price: EffectivePrice;
}

/** A price over episodes fromNumber..toNumber in one territory (or WORLDWIDE). */
export interface EpisodePricesInput {
  seriesId: string;
  fromNumber: number;
  toNumber: number;
  territory: string;
  free?: boolean;
  coins?: number | null;
  currency?: string | null;
  amountMinor?: number | null;
  startsAt?: string | null;
  endsAt?: string | null;
}

const CARD_FIELDS = 'id title coverImageUrl episodeCount statusCounts { status count } archivedAt';
const DETAIL_FIELDS = `${CARD_FIELDS} studioId synopsis genres originalLanguage audioLanguages subtitleLanguages orientation
  maturityRatings { territory rating system } filings { territory filingNumber authority issuedOn }
  freeEpisodeCount defaultCoinPrice updatedAt`;
const LICENSE_FIELDS = `sourceWorkTitle sourceWorkKind sourceWorkAuthor sourceWorkPublisher licensor licenseKind
  territoriesIncluded territoriesExcluded windowStart windowEnd exclusive payPerEpisode avod svod
  subtitleLanguages dubLanguages holdbacks { territory until } contractReference aiGeneratedContent aiDisclosure aiElements aiLabel updatedAt`;
const PRICE_FIELDS = 'priced free coins currency amountMinor amount rule explanation';

export const SERIES_PAGE_SIZE = 24;

/** A studio's series, newest first. */
export async function listSeries(
  request: Request,
  options: { studioId: string; search?: string; includeArchived?: boolean; after?: string | null },
): Promise<ApiResult<SeriesPage>> {
  const result = await gql<{ seriesList: { nodes: SeriesCard[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
    request,
    `query SeriesList($studioId: ID!, $search: String, $includeArchived: Boolean, $first: Int, $after: String) {
      seriesList(studioId: $studioId, search: $search, includeArchived: $includeArchived, first: $first, after: $after) {
        nodes { ${CARD_FIELDS} }
        pageInfo { endCursor hasNextPage }
      }
    }`,
    {
      studioId: options.studioId,
      search: options.search || null,
      includeArchived: Boolean(options.includeArchived),
      first: SERIES_PAGE_SIZE,
      after: options.after || null,
    },
  );
  if (!result.ok) return result;
  const { nodes, pageInfo } = result.data.seriesList;
  return { ok: true, data: { series: nodes, nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null } };
}

export async function getSeriesCard(request: Request, id: string): Promise<ApiResult<SeriesCard & { studioId: string }>> {
  const result = await gql<{ series: SeriesCard & { studioId: string } }>(
    request,
    `query SeriesCard($id: ID!) { series(id: $id) { ${CARD_FIELDS} studioId } }`,
    { id },
  );
  return result.ok ? { ok: true, data: result.data.series } : result;
}

export async function getSeriesDetails(request: Request, id: string): Promise<ApiResult<SeriesDetails>> {
  const result = await gql<{ series: SeriesDetails }>(request, `query SeriesDetails($id: ID!) { series(id: $id) { ${DETAIL_FIELDS} } }`, { id });
  return result.ok ? { ok: true, data: result.data.series } : result;
}

/** A territory's AI-label duty for the declared AI uses (the API applies the rule; the page shows it). */
export interface AiLabelRequirement {
  territory: string;
  ruleId: string;
  elements: string[];
  missing: string[];
  met: boolean;
}

export interface SeriesOverview {
  series: SeriesDetails & { license: License | null; availability: Availability; localizationPreflight: LocalizationCheck[]; aiLabelRequirements: AiLabelRequirement[] };
  episodes: EpisodeRow[];
  /** More episodes exist beyond those loaded. */
  hasMore: boolean;
}

/**
 * The series page: details, license, availability and the first `count` episodes with their price
 * in `territory`, fetched a page at a time.
 */
export async function getSeriesOverview(request: Request, id: string, territory: string, count: number): Promise<ApiResult<SeriesOverview>> {
  type Response = {
    series: SeriesOverview['series'] & {
      episodes: { nodes: EpisodeRow[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
    };
  };
  const query = `query SeriesOverview($id: ID!, $territory: String!, $first: Int, $after: String, $withDetails: Boolean!) {
    series(id: $id) {
      ... @include(if: $withDetails) {
        ${DETAIL_FIELDS}
        license { ${LICENSE_FIELDS} }
        availability(territory: $territory) { available reasons { code message } }
        localizationPreflight { ${LOCALIZATION_PREFLIGHT_FIELDS} }
        aiLabelRequirements { territory ruleId elements missing met }
      }
      episodes(first: $first, after: $after) {
        nodes { id number title status durationSeconds media { posterUrl } effectivePrice(territory: $territory) { ${PRICE_FIELDS} } }
        pageInfo { endCursor hasNextPage }
      }
    }
  }`;
  let after: string | null = null;
  let details: SeriesOverview['series'] | undefined;
  const episodes: EpisodeRow[] = [];
  for (;;) {
    const first = Math.min(EPISODE_PAGE_SIZE, count - episodes.length);
    const result: ApiResult<Response> = await gql<Response>(request, query, { id, territory, first, after, withDetails: !details });
    if (!result.ok) return result;
    const { episodes: page, ...series }: Response['series'] = result.data.series;
    details ??= series;
    episodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || episodes.length >= count) return { ok: true, data: { series: details, episodes, hasMore: page.pageInfo.hasNextPage } };
    after = page.pageInfo.endCursor;
  }
}

export async function createSeries(request: Request, studioId: string, input: SeriesInput): Promise<ApiResult<{ id: string; title: string }>> {
  const result = await gql<{ createSeries: { id: string; title: string } }>(
    request,
    `mutation CreateSeries($studioId: ID!, $input: SeriesInput!) { createSeries(studioId: $studioId, input: $input) { id title } }`,
    { studioId, input },
  );
  return result.ok ? { ok: true, data: result.data.createSeries } : result;
}

export async function updateSeries(request: Request, id: string, input: Partial<SeriesInput>): Promise<ApiResult<{ id: string; title: string }>> {
  const result = await gql<{ updateSeries: { id: string; title: string } }>(
    request,
    `mutation UpdateSeries($id: ID!, $input: SeriesInput!) { updateSeries(id: $id, input: $input) { id title } }`,
    { id, input },
  );
  return result.ok ? { ok: true, data: result.data.updateSeries } : result;
}

/** Archives (hides from the catalog list) or restores a series. */
export async function setSeriesArchived(request: Request, id: string, archived: boolean): Promise<ApiResult<{ id: string; title: string }>> {
  const name = archived ? 'archiveSeries' : 'restoreSeries';
  const result = await gql<Record<string, { id: string; title: string }>>(
    request,
    `mutation SetArchived($id: ID!) { ${name}(id: $id) { id title } }`,
    { id },
  );
  return result.ok ? { ok: true, data: result.data[name]! } : result;
}

export async function addEpisodes(
  request: Request,
  input: { seriesId: string; fromNumber: number; toNumber: number; titleTemplate: string | null },
): Promise<ApiResult<number>> {
  const result = await gql<{ addEpisodes: Array<{ id: string }> }>(
    request,
    `mutation AddEpisodes($input: AddEpisodesInput!) { addEpisodes(input: $input) { id } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.addEpisodes.length } : result;
}

export async function renameEpisode(request: Request, input: { id: string; title: string }): Promise<ApiResult<{ number: number; title: string }>> {
  const result = await gql<{ updateEpisode: { number: number; title: string } }>(
    request,
    `mutation RenameEpisode($input: UpdateEpisodeInput!) { updateEpisode(input: $input) { number title } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.updateEpisode } : result;
}

/** Bulk price edit over a range; returns how many episodes it priced. */
export async function setEpisodePrices(request: Request, input: EpisodePricesInput): Promise<ApiResult<number>> {
  const result = await gql<{ setEpisodePrices: Array<{ episode: { id: string } }> }>(
    request,
    `mutation SetEpisodePrices($input: SetEpisodePricesInput!) { setEpisodePrices(input: $input) { episode { id } } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.setEpisodePrices.length } : result;
}

/** Removes the prices set on a range in one territory; returns how many were removed. */
export async function clearEpisodePrices(
  request: Request,
  input: { seriesId: string; fromNumber: number; toNumber: number; territory: string },
): Promise<ApiResult<number>> {
  const result = await gql<{ clearEpisodePrices: number }>(
    request,
    `mutation ClearEpisodePrices($input: ClearEpisodePricesInput!) { clearEpisodePrices(input: $input) }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.clearEpisodePrices } : result;
}

export async function getLicense(request: Request, seriesId: string): Promise<ApiResult<License | null>> {
  const result = await gql<{ series: { license: License | null } }>(
    request,
    `query SeriesLicense($id: ID!) { series(id: $id) { license { ${LICENSE_FIELDS} } } }`,
    { id: seriesId },
  );
  return result.ok ? { ok: true, data: result.data.series.license } : result;
}

export async function setLicense(request: Request, seriesId: string, input: LicenseInput): Promise<ApiResult<License>> {
  const result = await gql<{ setLicense: License }>(
    request,
    `mutation SetLicense($seriesId: ID!, $input: LicenseInput!) { setLicense(seriesId: $seriesId, input: $input) { ${LICENSE_FIELDS} } }`,
    { seriesId, input },
  );
  return result.ok ? { ok: true, data: result.data.setLicense } : result;
}

export interface SeriesPricing {
  freeEpisodeCount: number;
  defaultCoinPrice: number | null;
  episodeCount: number;
  priceTerms: PriceTerm[];
  pricePreview: EpisodePrice[];
}

/** The pricing editor: series defaults, every price term, and what `territory` pays at `at`. */
export async function getSeriesPricing(request: Request, id: string, territory: string, at: string | null): Promise<ApiResult<SeriesPricing>> {
  const result = await gql<{ series: SeriesPricing }>(
    request,
    `query SeriesPricing($id: ID!, $territory: String!, $at: DateTimeISO) {
      series(id: $id) {
        freeEpisodeCount defaultCoinPrice episodeCount
        priceTerms { id episodeNumber territory free coins currency amountMinor startsAt endsAt }
        pricePreview(territory: $territory, at: $at) { episode { id number title status } price { ${PRICE_FIELDS} } }
      }
    }`,
    { id, territory, at },
  );
  return result.ok ? { ok: true, data: result.data.series } : result;
}

/** EMA avails for one series, or for the studio's whole catalog when `seriesId` is omitted. */
export async function getAvailsCsv(request: Request, studioId: string, seriesId?: string): Promise<ApiResult<string>> {
  const result = await gql<{ availsCsv: string }>(
    request,
    `query AvailsCsv($studioId: ID!, $seriesId: ID) { availsCsv(studioId: $studioId, seriesId: $seriesId) }`,
    { studioId, seriesId: seriesId ?? null },
  );
  return result.ok ? { ok: true, data: result.data.availsCsv } : result;
}

// Territories and currencies are fixed lists; each server process asks for them once.
let territoriesCache: TerritoryOption[] | undefined;
let currenciesCache: CurrencyOption[] | undefined;

/** ISO 3166-1 territories the API accepts, with English names, sorted by name. */
export async function listTerritories(request: Request): Promise<ApiResult<TerritoryOption[]>> {
  if (territoriesCache) return { ok: true, data: territoriesCache };
  const result = await gql<{ territories: string[] }>(request, 'query Territories { territories }');
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
  const result = await gql<{ uploadPolicy: UploadPolicy }>(request, 'query UploadPolicy { uploadPolicy { maxBytes acceptedTypes acceptedExtensions maxDurationSeconds formats { extension mediaTypes } } }');
  return result.ok ? { ok: true, data: result.data.uploadPolicy } : result;
}

/** ISO 4217 currencies with their minor-unit exponents and English names, by code. */
export async function listCurrencies(request: Request): Promise<ApiResult<CurrencyOption[]>> {
  if (currenciesCache) return { ok: true, data: currenciesCache };
  const result = await gql<{ currencies: Array<{ code: string; exponent: number }> }>(request, 'query Currencies { currencies { code exponent } }');
  if (!result.ok) return result;
  const names = new Intl.DisplayNames(['en'], { type: 'currency', fallback: 'code' });
  currenciesCache = result.data.currencies.map((c) => ({ ...c, name: names.of(c.code) ?? c.code })).sort((a, b) => a.code.localeCompare(b.code));
  return { ok: true, data: currenciesCache };
}
