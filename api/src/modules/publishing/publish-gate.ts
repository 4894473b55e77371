import { availability, type LicenseLike } from '../catalog/availability';
import { resolvePrice, type PriceTermLike, type ResolvedPrice } from '../catalog/pricing';

export type GateReasonCode = 'TERRITORY_NOT_SERVED' | 'NOT_APPROVED' | 'APPROVAL_STALE' | 'NOT_LICENSED' | 'NO_PRICE' | 'NOT_RELEASED' | 'RELEASE_SCHEDULED' | 'TAKEN_DOWN';

export interface GateReason {
  code: GateReasonCode;
  message: string;
}

export interface GateInput {
  episode: { number: number; status: string; mediaSha256: string | null; takedownReason?: string | null };
  /** The latest decided case of the episode, if any. */
  approval: { approvedTerritories: string[]; mediaSha256: string; invalidatedAt: Date | null; decidedBy: string[] } | null;
  license: LicenseLike | null;
  series: { freeEpisodeCount: number; defaultCoinPrice?: number | null };
  terms: readonly PriceTermLike[];
  partnerTerritories: readonly string[];
  /** When the studio releases this episode to this partner (null: not released to it). */
  releaseAt: Date | null;
}

export interface GateResult {
  live: boolean;
  reasons: GateReason[];
  price: ResolvedPrice;
}

/**
 * The publish gate: is this episode live for this partner in this territory at `at`, and if not,
 * every reason. Live needs all of: a human (or audited policy) approval for the territory, bound to
 * the current media (an approval whose reviewed text or media changed is invalidated when they
 * change), rights now (license window, exclusions, holdbacks), a price (or free), a release to this
 * partner that has started, and no takedown.
 */
export function publishGate(input: GateInput, territory: string, at: Date): GateResult {
  const reasons: GateReason[] = [];
  if (!input.partnerTerritories.includes(territory)) reasons.push({ code: 'TERRITORY_NOT_SERVED', message: `The partner does not serve ${territory}.` });
  if (input.episode.status === 'TAKEN_DOWN') reasons.push({ code: 'TAKEN_DOWN', message: `Taken down${input.episode.takedownReason ? `: ${input.episode.takedownReason}` : ''}.` });
  if (!input.approval || !input.approval.approvedTerritories.includes(territory)) {
    reasons.push({ code: 'NOT_APPROVED', message: `Not approved for ${territory} by a reviewer.` });
  } else if (input.approval.invalidatedAt || input.approval.mediaSha256 !== input.episode.mediaSha256) {
    reasons.push({ code: 'APPROVAL_STALE', message: 'The approval was for earlier media or text; the episode must be reviewed again.' });
  }
  for (const r of availability(input.license, territory, at).reasons) reasons.push({ code: 'NOT_LICENSED', message: r.message });
  const price = resolvePrice({ number: input.episode.number, terms: input.terms }, input.series, territory, at);
  if (!price.priced) reasons.push({ code: 'NO_PRICE', message: price.explanation });
  if (!input.releaseAt) reasons.push({ code: 'NOT_RELEASED', message: 'The studio has not released the series to this partner.' });
  else if (input.releaseAt.getTime() > at.getTime()) reasons.push({ code: 'RELEASE_SCHEDULED', message: `Scheduled for release at ${input.releaseAt.toISOString()}.` });
  return { live: reasons.length === 0, reasons, price };
}
