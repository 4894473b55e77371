import { flaggedByScreening } from './aggregate';
import type { Severity } from './policy';
import { Verdict, type TerritoryVerdict } from './review-case.entity';
import { Decision, type ReviewDecision } from './review-decision.entity';

/** Where the decision form starts for one territory, and the rule it ticks when citing. */
export interface DecisionPreselection {
  territory: string;
  /** The first reviewer's decision awaiting a second approval; else APPROVE where screening found the territory clear; else none. */
  decision: Decision | null;
  /** The rules the first reviewer cited; none otherwise. */
  citedRuleIds: string[];
  /** The first decision the preselection comes from (four-eyes), naming who made it. */
  firstDecision: ReviewDecision | null;
  /** Rules screening flagged in the territory (`flaggedByScreening`), each once, in finding order. */
  screeningFlaggedRuleIds: string[];
  /** The one rule screening flagged in the territory, ticked when a decision needs a citation and none is ticked; null for none or several. */
  ruleToCite: string | null;
}

/**
 * The one rule of what the decision form preselects, per target territory in order. A case
 * awaiting a second approval starts with the first reviewer's decision and cited rules, so the
 * second reviewer confirms or changes them; otherwise a territory screening found clear starts
 * approved and the others start open. When a decision needs a citation and none is ticked, the
 * rule screening flagged is ticked if it flagged exactly one: findings it does not count as
 * flagged (LOW and INFO, by `flaggedByScreening`) never make it ambiguous.
 */
export function preselectDecisions(
  territories: readonly string[],
  verdicts: readonly TerritoryVerdict[],
  findings: ReadonlyArray<{ territory: string; ruleId: string; severity: Severity }>,
  firstDecisions: readonly ReviewDecision[],
): DecisionPreselection[] {
  return territories.map((territory) => {
    const screeningFlaggedRuleIds = [...new Set(findings.filter((f) => f.territory === territory && flaggedByScreening(f.severity)).map((f) => f.ruleId))];
    const ruleToCite = screeningFlaggedRuleIds.length === 1 ? screeningFlaggedRuleIds[0]! : null;
    const first = firstDecisions.find((d) => d.territory === territory && d.pendingSecondApproval) ?? null;
    if (first) return { territory, decision: first.decision, citedRuleIds: [...first.citedRuleIds], firstDecision: first, screeningFlaggedRuleIds, ruleToCite };
    const clear = verdicts.find((v) => v.territory === territory)?.verdict === Verdict.CLEAR;
    return { territory, decision: clear ? Decision.APPROVE : null, citedRuleIds: [], firstDecision: null, screeningFlaggedRuleIds, ruleToCite };
  });
}
