/** Catalog vocabulary shared by loaders and components: the API's enums, labels and formatting. */
import { graphql, type EnumOf, type ResultOf } from '~/graphql';

export type EpisodeStatus = EnumOf<'EpisodeStatus'>;

export type Orientation = EnumOf<'Orientation'>;
export type SourceWorkKind = EnumOf<'SourceWorkKind'>;
export type LicenseKind = EnumOf<'LicenseKind'>;
export type PriceRule = EnumOf<'PriceRule'>;

/** The API's `uploadPolicy`: accepted formats and limits for episode videos and dubs (the upload pickers read it). */
export const UploadPolicyFields = graphql(`
  fragment UploadPolicyFields on UploadPolicy { maxBytes fileNameMaxLength fileNameRefusedCharacters acceptedTypes acceptedExtensions maxDurationSeconds maxEpisodeNumber formats { extension mediaTypes } dubFormats { extension mediaTypes } }
`);
export type UploadPolicy = ResultOf<typeof UploadPolicyFields>;

/** The file picker's `accept` list for a policy: its media types and its extensions. */
export const acceptListOf = (policy: UploadPolicy): string => [...policy.acceptedTypes, ...policy.acceptedExtensions.map((e) => `.${e}`)].join(',');

/** The dub picker's `accept` list: the policy's dub media types and extensions. */
export const dubAcceptListOf = (policy: UploadPolicy): string => [...new Set(policy.dubFormats.flatMap((f) => f.mediaTypes)), ...policy.dubFormats.map((f) => `.${f.extension}`)].join(',');

export const WORLDWIDE = 'WORLDWIDE';

/** The API's largest page; longer series load in steps of this many episodes. */
export const EPISODE_PAGE_SIZE = 100;


/** In the order an episode moves through them. */
export const EPISODE_STATUSES: readonly EpisodeStatus[] = [
  'DRAFT',
  'UPLOADING',
  'PROCESSING',
  'READY',
  'IN_REVIEW',
  'CHANGES_REQUESTED',
  'REJECTED',
  'APPROVED',
  'PUBLISHED',
  'TAKEN_DOWN',
];

const STATUS_LABELS: Record<EpisodeStatus, string> = {
  DRAFT: 'Draft',
  UPLOADING: 'Uploading',
  PROCESSING: 'Processing',
  READY: 'Ready',
  IN_REVIEW: 'In review',
  CHANGES_REQUESTED: 'Changes requested',
  REJECTED: 'Rejected',
  APPROVED: 'Approved',
  PUBLISHED: 'Published',
  TAKEN_DOWN: 'Taken down',
};

export const statusLabel = (status: EpisodeStatus): string => STATUS_LABELS[status] ?? status;

/** Badge colour by how far along an episode is; `info` while media is on its way or ready for review. */
export function statusTone(status: EpisodeStatus): 'muted' | 'info' | 'success' | 'warning' | 'danger' {
  if (status === 'APPROVED' || status === 'PUBLISHED') return 'success';
  if (status === 'UPLOADING' || status === 'PROCESSING' || status === 'READY') return 'info';
  if (status === 'CHANGES_REQUESTED' || status === 'IN_REVIEW') return 'warning';
  if (status === 'REJECTED' || status === 'TAKEN_DOWN') return 'danger';
  return 'muted';
}

/** "18 draft · 2 ready", in workflow order. */
export function statusSummary(counts: ReadonlyArray<{ status: EpisodeStatus; count: number }>): string {
  return EPISODE_STATUSES.map((status) => counts.find((c) => c.status === status))
    .filter((c): c is { status: EpisodeStatus; count: number } => Boolean(c && c.count > 0))
    .map((c) => `${c.count} ${statusLabel(c.status).toLowerCase()}`)
    .join(' · ');
}

export const ORIENTATIONS: ReadonlyArray<{ value: Orientation; label: string }> = [
  { value: 'VERTICAL', label: 'Vertical (9:16)' },
  { value: 'HORIZONTAL', label: 'Horizontal (16:9)' },
  { value: 'SQUARE', label: 'Square (1:1)' },
];

export type AiContentElement = EnumOf<'AiContentElement'>;

/** What a studio can declare as made or altered with AI. */
export const AI_CONTENT_ELEMENTS: ReadonlyArray<{ value: AiContentElement; label: string }> = [
  { value: 'SCRIPT', label: 'Script' },
  { value: 'VOICE', label: 'Voices' },
  { value: 'FACES', label: 'Faces or actors' },
  { value: 'IMAGERY', label: 'Imagery' },
  { value: 'TRANSLATION', label: 'Translation' },
];

export const aiElementsLabel = (elements: readonly string[]): string => elements.map((e) => AI_CONTENT_ELEMENTS.find((x) => x.value === e)?.label.toLowerCase() ?? e).join(', ');

export const SOURCE_WORK_KINDS: ReadonlyArray<{ value: SourceWorkKind; label: string }> = [
  { value: 'NOVEL', label: 'Novel' },
  { value: 'COMIC', label: 'Comic' },
  { value: 'GAME', label: 'Game' },
  { value: 'FILM', label: 'Film' },
  { value: 'ORIGINAL', label: 'Original' },
  { value: 'OTHER', label: 'Other' },
];

export const LICENSE_KINDS: ReadonlyArray<{ value: LicenseKind; label: string }> = [
  { value: 'ORIGINAL', label: 'Original' },
  { value: 'ADAPTATION', label: 'Adaptation' },
  { value: 'DISTRIBUTION', label: 'Distribution' },
];

export const labelOf = <T extends string>(options: ReadonlyArray<{ value: T; label: string }>, value: T): string =>
  options.find((o) => o.value === value)?.label ?? value;

/** A territory code with its English name, e.g. `{ code: 'US', name: 'United States' }`. */
export interface TerritoryOption {
  code: string;
  name: string;
}

export interface CurrencyOption {
  code: string;
  exponent: number;
  /** The largest price the API takes, in minor units. */
  maxAmountMinor: number;
  name: string;
}

export function territoryName(territories: readonly TerritoryOption[], code: string): string {
  if (code === WORLDWIDE) return 'Worldwide';
  return territories.find((t) => t.code === code)?.name ?? code;
}

/** What an episode costs somewhere, as the API resolves it. */
export const EffectivePriceFields = graphql(`
  fragment EffectivePriceFields on EffectivePrice { priced free coins currency amountMinor amount rule explanation }
`);
export type EffectivePrice = ResultOf<typeof EffectivePriceFields>;

/** "Free", "60 coins", "0.49 USD", "60 coins or 0.49 USD", or "Not priced". */
export function priceLabel(price: Pick<EffectivePrice, 'priced' | 'free' | 'coins' | 'currency' | 'amount'>): string {
  if (!price.priced) return 'Not priced';
  if (price.free) return 'Free';
  const parts: string[] = [];
  if (price.coins != null) parts.push(`${price.coins} coins`);
  if (price.amount != null && price.currency) parts.push(`${price.amount} ${price.currency}`);
  return parts.join(' or ') || 'Not priced';
}

/** The calendar day of an instant, as the API's UTC dates are meant: "2026-03-01". */
export const dayOf = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '');

/** "4:05" for 245 seconds. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return '';
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * Episode numbers grouped into runs of consecutive numbers: [1,2,3,7,8] → [[1,3],[7,8]]. Prices
 * are set per range, so a selection becomes one change per run.
 */
export function numberRuns(numbers: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs;
}

/** "6–20" or "1–3, 7, 9–12". */
export function describeRuns(runs: ReadonlyArray<[number, number]>): string {
  return runs.map(([from, to]) => (from === to ? String(from) : `${from}–${to}`)).join(', ');
}

/** One price set on some episodes in one territory. */
export interface PriceTermLike {
  episodeNumber: number;
  territory: string;
  free: boolean;
  coins: number | null;
  currency: string | null;
  amountMinor: number | null;
  startsAt: string | null;
  endsAt: string | null;
}

export interface PriceRange extends Omit<PriceTermLike, 'episodeNumber'> {
  from: number;
  to: number;
}

/**
 * Price terms as people think of them: per territory (worldwide first), consecutive episodes with
 * the same price and window folded into one range.
 */
export function priceRangesByTerritory(terms: readonly PriceTermLike[], territories: readonly TerritoryOption[]): Array<{ territory: string; ranges: PriceRange[] }> {
  const sameTerms = (a: PriceTermLike | PriceRange, b: PriceTermLike) =>
    a.free === b.free && a.coins === b.coins && a.currency === b.currency && a.amountMinor === b.amountMinor && a.startsAt === b.startsAt && a.endsAt === b.endsAt;
  const byTerritory = new Map<string, PriceTermLike[]>();
  for (const term of terms) byTerritory.set(term.territory, [...(byTerritory.get(term.territory) ?? []), term]);
  const order = (code: string) => (code === WORLDWIDE ? '' : territoryName(territories, code));
  return [...byTerritory.entries()]
    .sort(([a], [b]) => order(a).localeCompare(order(b), 'en'))
    .map(([territory, list]) => {
      const sorted = [...list].sort((a, b) => (a.startsAt ?? '').localeCompare(b.startsAt ?? '') || a.episodeNumber - b.episodeNumber);
      const ranges: PriceRange[] = [];
      for (const term of sorted) {
        const last = ranges[ranges.length - 1];
        if (last && last.to + 1 === term.episodeNumber && sameTerms(last, term)) last.to = term.episodeNumber;
        else {
          const { episodeNumber, ...price } = term;
          ranges.push({ ...price, from: episodeNumber, to: episodeNumber });
        }
      }
      return { territory, ranges: ranges.sort((a, b) => a.from - b.from || (a.startsAt ?? '').localeCompare(b.startsAt ?? '')) };
    });
}
