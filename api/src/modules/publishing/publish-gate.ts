import { aiLabelGap, type AiContentDeclaration } from '../ai-disclosure/ai-content';
import { availability, type LicenseLike } from '../catalog/availability';
import { localizationGap, type LocalizationOffer, type LocalizationRequirement } from '../catalog/localization';
import { resolvePrice, type PriceTermLike, type ResolvedPrice } from '../catalog/pricing';
import { reviewStillCurrent } from '../review/reviewed-material';

export type GateReasonCode =
  | 'TERRITORY_NOT_SERVED'
  | 'NOT_APPROVED'
  | 'APPROVAL_STALE'
  | 'NOT_LICENSED'
  | 'NO_PRICE'
  | 'NOT_RELEASED'
  | 'RELEASE_SCHEDULED'
  | 'TAKEN_DOWN'
  | 'SERIES_ARCHIVED'
  | 'EPISODE_DELETED'
  | 'STUDIO_SUSPENDED'
  | 'PARTNER_DISABLED'
  | 'LOCALIZATION_MISSING'
  | 'EVALUATION_FAILED'
  | 'AI_LABEL_MISSING';

export interface GateReason {
  code: GateReasonCode;
  message: string;
  /** LOCALIZATION_MISSING: the languages (BCP 47) a track in any of which would satisfy the territory. */
  languages?: string[];
}

export interface GateInput {
  episode: {
    number: number;
    status: string;
    takedownReason?: string | null;
    /** Digest of everything a review sees and every field a rule checks, now (reviewed-material.ts). */
    materialDigest: string | null;
    /** sha256 of the episode's current video. */
    mediaSha256: string | null;
  };
  /** The latest decided case of the episode, if any: what it approved, and the material and video it reviewed. */
  approval: { approvedTerritories: string[]; materialDigest: string; mediaSha256: string | null; invalidatedAt: Date | null; decidedBy: string[] } | null;
  license: LicenseLike | null;
  series: { freeEpisodeCount: number; defaultCoinPrice?: number | null; archived: boolean };
  studioSuspended: boolean;
  partnerSuspended: boolean;
  terms: readonly PriceTermLike[];
  partnerTerritories: readonly string[];
  /** When the studio releases this episode to this partner (null: not released to it). */
  releaseAt: Date | null;
  /** The languages partners would get the episode in, and what each territory's policy requires. */
  localization: { offer: LocalizationOffer; requirementFor: (territory: string) => LocalizationRequirement | null };
  /** What the studio declares as AI-generated in this episode, and how viewers are told. */
  aiContent: AiContentDeclaration;
}

export interface GateResult {
  live: boolean;
  reasons: GateReason[];
  price: ResolvedPrice;
}

/**
 * The publish gate: is this episode live for this partner in this territory at `at`, and if not,
 * every reason. Live needs all of: a human (or audited policy) approval for the territory, bound to
 * exactly the material now on the episode (digest of media, texts, subtitles, filings, ratings and
 * AI disclosure), rights now (license window, exclusions, holdbacks), a price (or free), the AI label
 * and disclosure the territory's policy requires for the declared AI uses, a release to this partner
 * that has started, no takedown, a series that is not archived, neither the studio nor the partner
 * suspended, and the audio or subtitles the territory's policy requires.
 */
export function publishGate(input: GateInput, territory: string, at: Date): GateResult {
  const reasons: GateReason[] = [];
  if (!input.partnerTerritories.includes(territory)) reasons.push({ code: 'TERRITORY_NOT_SERVED', message: `The partner does not serve ${territory}.` });
  if (input.partnerSuspended) reasons.push({ code: 'PARTNER_DISABLED', message: 'The partner’s account is suspended.' });
  if (input.studioSuspended) reasons.push({ code: 'STUDIO_SUSPENDED', message: 'The studio is suspended.' });
  if (input.series.archived) reasons.push({ code: 'SERIES_ARCHIVED', message: 'The series is archived.' });
  if (input.episode.status === 'TAKEN_DOWN') reasons.push({ code: 'TAKEN_DOWN', message: `Taken down${input.episode.takedownReason ? `: ${input.episode.takedownReason}` : ''}.` });
  if (!input.approval || !input.approval.approvedTerritories.includes(territory)) {
    reasons.push({ code: 'NOT_APPROVED', message: `Not approved for ${territory} by a reviewer.` });
  } else if (input.approval.invalidatedAt || !reviewStillCurrent(input.approval, input.episode)) {
    reasons.push({ code: 'APPROVAL_STALE', message: 'The approval was for earlier media or text; the episode must be reviewed again.' });
  }
  for (const r of availability(input.license, territory, at).reasons) reasons.push({ code: 'NOT_LICENSED', message: r.message });
  const price = resolvePrice({ number: input.episode.number, terms: input.terms }, input.series, territory, at);
  if (!price.priced) reasons.push({ code: 'NO_PRICE', message: price.explanation });
  const label = aiLabelGap(input.aiContent, territory);
  if (label) reasons.push({ code: 'AI_LABEL_MISSING', message: label.message });
  if (!input.releaseAt) reasons.push({ code: 'NOT_RELEASED', message: 'The studio has not released the series to this partner.' });
  else if (input.releaseAt.getTime() > at.getTime()) reasons.push({ code: 'RELEASE_SCHEDULED', message: `Scheduled for release at ${input.releaseAt.toISOString()}.` });
  const localization = localizationGap(input.localization.requirementFor(territory), input.localization.offer, territory);
  if (localization) reasons.push({ code: 'LOCALIZATION_MISSING', message: localization.message, languages: localization.languages });
  return { live: reasons.length === 0, reasons, price };
}

/** What the gate needs of an episode apart from its review and its release to a partner. */
export type GoLiveInput = Omit<GateInput, 'approval' | 'partnerTerritories' | 'partnerSuspended' | 'releaseAt'>;

/**
 * The pre-flight studios read before submitting: what would still keep the episode from going live
 * in `territory` once a reviewer approves it there and it is released to a partner serving it —
 * the publish gate itself, run with exactly those assumed, so the pre-flight and the gate never
 * disagree. What is left is the studio's to fix: license, price, AI label, localization, takedown,
 * archive, suspension.
 */
export function goLiveBlockers(input: GoLiveInput, territory: string, at: Date): GateReason[] {
  const materialDigest = input.episode.materialDigest ?? '';
  return publishGate(
    {
      ...input,
      episode: { ...input.episode, materialDigest },
      approval: { approvedTerritories: [territory], materialDigest, mediaSha256: input.episode.mediaSha256, invalidatedAt: null, decidedBy: [] },
      partnerTerritories: [territory],
      partnerSuspended: false,
      releaseAt: new Date(0),
    },
    territory,
    at,
  ).reasons;
}

/** The reason a partner is given for an episode whose row is gone (only drafts can be deleted). */
export const EPISODE_DELETED: GateReason = { code: 'EPISODE_DELETED', message: 'The episode was deleted.' };

/** The reason given when a series' data cannot be evaluated at all (fail closed). */
export const EVALUATION_FAILED: GateReason = { code: 'EVALUATION_FAILED', message: 'Withdrawn: its data could not be checked; the operator has been alerted.' };

/**
 * The first instant after `at` at which a gate result of this series can change with no write at
 * all: a license window starting or ending, a holdback ending, a price term's window starting or
 * ending, an episode's release time. Null when nothing is scheduled. Every time-dependent input of
 * `publishGate` must be listed here, or a flip would wait for the next write.
 */
export function nextGateBoundary(input: { license: LicenseLike | null; terms: readonly PriceTermLike[]; releaseTimes: ReadonlyArray<Date | null> }, at: Date): Date | null {
  const instants: Array<Date | null | undefined> = [input.license?.windowStart, input.license?.windowEnd, ...(input.license?.holdbacks ?? []).map((h) => new Date(h.until))];
  for (const term of input.terms) instants.push(term.startsAt, term.endsAt);
  instants.push(...input.releaseTimes);
  let next: number | null = null;
  for (const instant of instants) {
    const t = instant?.getTime();
    if (t !== undefined && !Number.isNaN(t) && t > at.getTime() && (next === null || t < next)) next = t;
  }
  return next === null ? null : new Date(next);
}
