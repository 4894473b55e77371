/**
 * What replacing an episode's video means: when an upload is no replacement at all (the same bytes
 * again), what a real replacement cancels, and when it may go ahead. The upload checks
 * (UploadService.checkNewUpload, MediaService.process) and the dashboard's bulk-upload warning read
 * these rules; nothing else restates them.
 */

import { isTerritoryCode } from '../catalog/territories';

/** The identity of a video's bytes: its length and its sha256 (hex). */
export interface MediaBytes {
  sizeBytes: number;
  sha256: string;
}

/**
 * An upload repeats the current media when its final bytes are the episode's current video's: the
 * same size and the same sha256. Such an upload is not a replacement: it makes no new revision and
 * leaves reviews, approvals and live state as they are (a studio re-running a season's upload after
 * a network failure keeps its reviewers' work).
 */
export function repeatsCurrentMedia(current: MediaBytes | null | undefined, arrived: MediaBytes): boolean {
  return Boolean(current) && current!.sizeBytes === arrived.sizeBytes && current!.sha256 === arrived.sha256;
}

/** How far an episode has come in one territory that replacing its video would undo, weakest first. */
export enum ReplacementLoss {
  /** A review of the episode for this territory is under way; replacing the video cancels it. */
  IN_REVIEW = 'IN_REVIEW',
  /** The episode is approved for this territory; replacing the video lapses the approval. */
  APPROVED = 'APPROVED',
  /** The episode is live for this territory; replacing the video takes it off until it is approved again. */
  LIVE = 'LIVE',
}

const STRENGTH: Record<ReplacementLoss, number> = { IN_REVIEW: 0, APPROVED: 1, LIVE: 2 };

/** One territory's standing that replacing the video would cancel. */
export interface ReplacementCancellationValue {
  /** ISO 3166-1 alpha-2. */
  territory: string;
  loss: ReplacementLoss;
}

/** Where an episode stands, as far as a replacement of its video is concerned. */
export interface ReviewStanding {
  /** Territories of the episode's open review cases (queued, screening or waiting for a reviewer). */
  inReview: readonly string[];
  /** Territories approved by the decision in force (`Episode.territoryOutcomes`). */
  approved: readonly string[];
  /** Territories where the episode is live for a partner (`Episode.liveTerritories`). */
  live: readonly string[];
}

/**
 * What replacing an episode's video with different bytes would cancel, per territory, in territory
 * order: new media lapses every review of the old one (case-invalidation.ts), so a review under way
 * is cancelled, an approval lapses and a live episode comes off until approved again. Each territory
 * is named once, with the most it would lose (live, then approved, then in review). Empty when the
 * episode has nothing to lose: it replaces as before.
 */
export function replacementCancels(standing: ReviewStanding): ReplacementCancellationValue[] {
  const lost = new Map<string, ReplacementLoss>();
  const note = (territories: readonly string[], loss: ReplacementLoss) => {
    for (const territory of territories) {
      const seen = lost.get(territory);
      if (!seen || STRENGTH[seen] < STRENGTH[loss]) lost.set(territory, loss);
    }
  };
  note(standing.inReview, ReplacementLoss.IN_REVIEW);
  note(standing.approved, ReplacementLoss.APPROVED);
  note(standing.live, ReplacementLoss.LIVE);
  return [...lost].map(([territory, loss]) => ({ territory, loss })).sort((a, b) => a.territory.localeCompare(b.territory));
}

/**
 * The tus metadata key in which an upload replacing an episode's video states what the uploader agreed
 * to cancel: the territories (ISO 3166-1 alpha-2) it showed them, comma-separated ("CA,GB,US").
 */
export const ACKNOWLEDGED_CANCELS_KEY = 'cancels';

/** The territories an upload's `cancels` metadata acknowledges, upper-cased; empty when it names none. */
export function acknowledgedTerritories(metadata: string | null | undefined): string[] {
  if (!metadata) return [];
  return metadata
    .split(',')
    .map((t) => t.trim().toUpperCase())
    .filter(Boolean);
}

/**
 * What is wrong with a `cancels` value as a client sends it, or null: comma-separated ISO 3166-1
 * alpha-2 territory codes, each optionally with the loss the client showed (`US=IN_REVIEW`; one of
 * ReplacementLoss), each territory once. A code that names no territory or a loss that does not
 * exist would otherwise acknowledge nothing without saying so.
 */
export function acknowledgmentProblem(metadata: string): string | null {
  const seen = new Set<string>();
  for (const raw of metadata.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [code, loss, ...rest] = entry.split('=');
    const territory = code!.trim().toUpperCase();
    if (!isTerritoryCode(territory)) return `"${entry.slice(0, 20)}" is not an ISO 3166-1 alpha-2 territory code (such as US or GB).`;
    if (rest.length || (loss !== undefined && !(loss.trim().toUpperCase() in STRENGTH))) {
      return `"${entry.slice(0, 40)}": the loss after "=" must be one of ${Object.keys(STRENGTH).join(', ')}.`;
    }
    if (seen.has(territory)) return `${territory} is named twice.`;
    seen.add(territory);
  }
  return null;
}

/** What an acknowledged territory stood to lose when its upload was created and nothing was at stake there. */
const NOTHING = 'NONE';

/**
 * The acknowledgment as an upload keeps it (`EpisodeUpload.acknowledgedCancels`): each territory the
 * uploader named with what it stood to lose then, read from where the episode stood when the upload
 * was created ("US=LIVE", "GB=NONE"). The uploader agreed to that much, no more.
 */
export function recordedAcknowledgment(acknowledged: readonly string[], cancelsThen: readonly ReplacementCancellationValue[]): string[] {
  const territories = [...new Set(acknowledged.map((t) => t.split('=')[0]!.trim().toUpperCase()).filter(Boolean))];
  return territories.map((t) => `${t}=${cancelsThen.find((c) => c.territory === t)?.loss ?? NOTHING}`);
}

/**
 * How much each acknowledged territory may lose: up to the loss recorded with it ("US=IN_REVIEW"
 * covers a review under way, not an approval or a live release that came since; "US=NONE" covers
 * nothing); a plain territory ("US", as sent at creation, or kept by uploads stored before losses
 * were recorded) covers any loss.
 */
function acknowledgedStrength(acknowledged: readonly string[]): Map<string, number> {
  const strength = new Map<string, number>();
  for (const entry of acknowledged) {
    const [territory, loss] = entry.toUpperCase().split('=');
    const value = loss === undefined ? Number.POSITIVE_INFINITY : loss in STRENGTH ? STRENGTH[loss as ReplacementLoss] : -1;
    strength.set(territory!.trim(), Math.max(value, strength.get(territory!.trim()) ?? -1));
  }
  return strength;
}

/**
 * What a replacement would cancel that its uploader did not acknowledge: every territory of
 * `replacementCancels` missing from the acknowledgment, or whose loss has grown beyond what was
 * acknowledged (nothing → review → approval → live), in territory order. A replacement goes ahead
 * only when this is empty; an acknowledgment made earlier (a preview built while the episode was
 * merely ready, an upload created while a review was under way) does not cover a review, approval or
 * release that came since.
 */
export function unacknowledgedCancellations(cancels: readonly ReplacementCancellationValue[], acknowledged: readonly string[]): ReplacementCancellationValue[] {
  const agreed = acknowledgedStrength(acknowledged);
  return cancels.filter((c) => (agreed.get(c.territory) ?? -1) < STRENGTH[c.loss]);
}

const LOSS_WORDS: Record<ReplacementLoss, string> = {
  IN_REVIEW: 'its review under way',
  APPROVED: 'its approval',
  LIVE: 'its live release',
};

/** "its live release in US; its review under way in CA, GB": what `cancels` loses, grouped by loss, strongest first. */
export function describeCancellations(cancels: readonly ReplacementCancellationValue[]): string {
  return [ReplacementLoss.LIVE, ReplacementLoss.APPROVED, ReplacementLoss.IN_REVIEW]
    .map((loss) => ({ loss, territories: cancels.filter((c) => c.loss === loss).map((c) => c.territory) }))
    .filter((g) => g.territories.length)
    .map((g) => `${LOSS_WORDS[g.loss]} in ${g.territories.join(', ')}`)
    .join('; ');
}

/**
 * The replacement being checked: the episode's number and the new file's name, for the words; for a
 * dub (which is reviewed material like the video: adding or replacing one lapses the same reviews,
 * approvals and live releases), its language.
 */
export interface Replacement {
  episodeNumber: number;
  fileName: string;
  dubLanguage?: string | null;
}

/**
 * Why a replacement may not go ahead, in words, or null when it may: what it would cancel
 * (`cancels`, read from where the episode stands now) that its upload did not acknowledge
 * (`unacknowledgedCancellations`), each territory with what it would lose. The one check of a
 * replacement, made when its upload is created (refused, REPLACEMENT_CANCELS_REVIEW) and again when
 * its video would become current (the upload fails and the current video stays): a review, approval
 * or release that came while the file was uploading was never acknowledged.
 */
export function replacementRefusal(replacement: Replacement, cancels: readonly ReplacementCancellationValue[], acknowledged: readonly string[]): string | null {
  const missing = unacknowledgedCancellations(cancels, acknowledged);
  if (!missing.length) return null;
  const dub = replacement.dubLanguage;
  return (
    `${dub ? `Uploading "${replacement.fileName}" as the ${dub} dub of episode ${replacement.episodeNumber}` : `Replacing the video of episode ${replacement.episodeNumber} with "${replacement.fileName}"`} would cancel ${describeCancellations(missing)}. ` +
    `Confirm the ${dub ? 'dub' : 'replacement'} by naming these territories in the upload's ${ACKNOWLEDGED_CANCELS_KEY} metadata (${missing.map((c) => c.territory).join(',')}), or keep the ${dub ? 'episode as it is' : 'current video'}.`
  );
}
