import { Decision } from './review-decision.entity';

/** One territory's decision as recorded (a first approval waiting for a lead's is not final). */
export interface RecordedDecision {
  territory: string;
  decision: Decision;
  pendingSecondApproval: boolean;
  createdAt: Date;
}

/** The decision in force for one territory (ISO 3166-1 alpha-2). */
export interface TerritoryOutcomeValue {
  territory: string;
  decision: Decision;
  decidedAt: Date;
}

/**
 * The final decision per territory of one case: the latest decision that is not a first approval
 * waiting for a second one, in territory order. Territories not decided yet are left out.
 */
export function caseOutcomes(decisions: readonly RecordedDecision[]): TerritoryOutcomeValue[] {
  const latest = new Map<string, RecordedDecision>();
  for (const d of decisions) {
    if (d.pendingSecondApproval) continue;
    const seen = latest.get(d.territory);
    if (!seen || seen.createdAt.getTime() <= d.createdAt.getTime()) latest.set(d.territory, d);
  }
  return [...latest.values()].map((d) => ({ territory: d.territory, decision: d.decision, decidedAt: d.createdAt })).sort((a, b) => a.territory.localeCompare(b.territory));
}

/**
 * What is in force for an episode after its latest decided case. An appeal decides only the
 * territories it appealed; the others keep the decision appealed from (as the publish gate reads
 * approvals: publication.service.ts).
 */
export function outcomesInForce(latest: { appealedTerritories: readonly string[] | null; decisions: readonly RecordedDecision[] }, appealedFrom: readonly RecordedDecision[] = []): TerritoryOutcomeValue[] {
  const own = caseOutcomes(latest.decisions);
  if (!latest.appealedTerritories) return own;
  const appealed = new Set(latest.appealedTerritories);
  const kept = caseOutcomes(appealedFrom).filter((o) => !appealed.has(o.territory));
  return [...own.filter((o) => appealed.has(o.territory)), ...kept].sort((a, b) => a.territory.localeCompare(b.territory));
}
