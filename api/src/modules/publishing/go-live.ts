import { deterministicChecks, type CheckedMaterial, type DeterministicCheck } from '../review/deterministic-checks';
import { flaggedByScreening } from '../review/aggregate';
import { effectivePolicy } from '../review/policy';
import type { GateReasonCode } from './publish-gate';

/**
 * Where a blocker stops an episode: REVIEW — a deterministic review check fails (reviewers see it as
 * a finding citing `ruleId`); PUBLICATION — the publish gate holds it back after approval and release.
 */
export type GoLiveStage = 'REVIEW' | 'PUBLICATION';

/** One reason of the pre-flight for one episode in one territory. */
export interface GoLiveReason {
  code: GateReasonCode | DeterministicCheck;
  message: string;
  stage: GoLiveStage;
  /** REVIEW: the policy rule the review finding cites. */
  ruleId?: string;
  /** LOCALIZATION_MISSING: the languages (BCP 47) a track in any of which would satisfy the territory. */
  languages?: string[];
}

/** One thing that would keep episodes back in a territory, with the episodes it concerns (numbers, ascending). */
export interface GoLiveBlocker extends GoLiveReason {
  episodeNumbers: number[];
}

/** A territory of the pre-flight: ready when nothing but review and release stands between the episodes and partners there. */
export interface GoLiveCheck {
  territory: string;
  ready: boolean;
  blockers: GoLiveBlocker[];
}

/**
 * What the review's deterministic checks would find in `territory` (the same function the review
 * pipeline runs, on the material as it is now) and screening would flag for it — a finding whose
 * severity leaves the territory CLEAR (a LOW orientation note, say) stops nothing and is not listed
 * (`flaggedByScreening`, the rule screening's verdicts follow) — each citing its rule.
 */
export function reviewStoppers(material: CheckedMaterial, territory: string): GoLiveReason[] {
  return deterministicChecks(material, [effectivePolicy(territory)])
    .filter((c) => flaggedByScreening(c.finding.severity))
    .map((c) => ({ code: c.check, message: c.finding.explanation, stage: 'REVIEW' as const, ruleId: c.finding.ruleId }));
}

/**
 * One territory's lines: review's first, then the gate's, less those review already reports under
 * the same code (a missing license stops review before it would hold publication, so it is said
 * once, where it first stops the episode).
 */
export function territoryReasons(review: readonly GoLiveReason[], gate: readonly GoLiveReason[]): GoLiveReason[] {
  const stoppedByReview = new Set(review.map((r) => r.code));
  return [...review, ...gate.filter((r) => !stoppedByReview.has(r.code))];
}

/** "1–3, 7" for episodes 1, 2, 3 and 7. */
export function episodeRuns(numbers: Iterable<number>): string {
  const runs: Array<[number, number]> = [];
  for (const n of [...new Set(numbers)].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs.map(([from, to]) => (from === to ? String(from) : `${from}–${to}`)).join(', ');
}

/** A line for a reason whose wording differs per episode, said once for all of them. */
const GROUP_SENTENCE: Partial<Record<GoLiveReason['code'], (territory: string) => string>> = {
  NO_PRICE: (t) => `No price for ${t}`,
  TOO_LONG: (t) => `Longer than ${t} allows`,
  NOT_VERTICAL: () => 'Not vertical (9:16)',
  TITLE_RULE: (t) => `An episode title breaks a title rule of ${t}`,
  TAKEN_DOWN: () => 'Taken down',
  LOCALIZATION_MISSING: (t) => `Missing the audio or subtitles ${t} requires`,
  AI_LABEL_MISSING: (t) => `Missing the AI label ${t} requires`,
  NOT_LICENSED: (t) => `Not licensed for ${t}`,
  FILING_MISSING: (t) => `No filing number for ${t}`,
  RATING_MISSING: (t) => `No maturity rating for ${t}`,
  SUBTITLES_MISSING: (t) => `Missing the subtitles ${t} requires`,
  AI_DISCLOSURE_MISSING: () => 'No AI disclosure',
};

/** Any other reason worded per episode: what it does, in the territory. */
const FALLBACK: Record<GoLiveStage, (territory: string) => string> = {
  REVIEW: (t) => `Review would flag it for ${t}`,
  PUBLICATION: (t) => `Held back in ${t}`,
};

const plural = (numbers: readonly number[]) => `${numbers.length === 1 ? 'episode' : 'episodes'} ${episodeRuns(numbers)}`;

/**
 * Per territory, the reasons of every episode grouped by code (and rule, stage and languages):
 * a reason worded the same for each episode it concerns keeps its words; one worded per episode
 * (a price names its episode, a duration its seconds) becomes one line for the group, e.g.
 * "No price for US: episodes 1–3, 7."
 */
export function groupPreflight(rows: ReadonlyArray<{ number: number; territory: string; blockers: readonly GoLiveReason[] }>): GoLiveCheck[] {
  const byTerritory = new Map<string, Map<string, Array<{ number: number; reason: GoLiveReason }>>>();
  for (const row of rows) {
    const groups = byTerritory.get(row.territory) ?? new Map<string, Array<{ number: number; reason: GoLiveReason }>>();
    byTerritory.set(row.territory, groups);
    for (const reason of row.blockers) {
      const key = JSON.stringify([reason.stage, reason.code, reason.ruleId ?? null, reason.languages ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), { number: row.number, reason }]);
    }
  }
  return [...byTerritory].map(([territory, groups]) => {
    const blockers: GoLiveBlocker[] = [];
    for (const members of groups.values()) {
      const messagesOf = new Map<number, Set<string>>();
      for (const m of members) messagesOf.set(m.number, (messagesOf.get(m.number) ?? new Set()).add(m.reason.message));
      const numbers = [...messagesOf.keys()].sort((a, b) => a - b);
      const sets = [...messagesOf.values()].map((s) => JSON.stringify([...s].sort()));
      const shared: Omit<GoLiveReason, 'message'> = { ...members[0]!.reason };
      delete (shared as Partial<GoLiveReason>).message;
      if (sets.every((s) => s === sets[0])) {
        // Worded the same for every episode: each distinct wording stays a line of its own.
        for (const message of [...messagesOf.get(numbers[0]!)!]) blockers.push({ ...shared, message, episodeNumbers: numbers });
      } else {
        const lead = (GROUP_SENTENCE[shared.code] ?? FALLBACK[shared.stage])(territory);
        blockers.push({ ...shared, message: `${lead}: ${plural(numbers)}.`, episodeNumbers: numbers });
      }
    }
    return { territory, ready: blockers.length === 0, blockers };
  });
}
