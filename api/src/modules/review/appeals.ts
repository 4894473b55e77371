import { CaseKind, CaseStatus } from './review-case.entity';
import { Decision } from './review-decision.entity';

/** What the appeal-once rule reads about a case. */
export interface AppealableCase {
  kind: CaseKind;
  status: CaseStatus;
  appealedAt?: Date | null;
  invalidatedAt?: Date | null;
}

/** Why an appeal is refused, as `extensions.reason`. */
export type AppealRefusalReason = 'APPEAL_OF_APPEAL' | 'CASE_NOT_DECIDED' | 'NOTHING_REJECTED' | 'APPEAL_ALREADY_USED' | 'EPISODE_CHANGED' | 'DECISION_SUPERSEDED';

export interface AppealRefusal {
  reason: AppealRefusalReason;
  message: string;
}

/**
 * A studio may appeal a rejection once. Returns why this case may not be appealed, or null when it
 * may: it must be decided, with at least one (final) rejection, not appealed before, still about the
 * current episode, the episode's latest case (`laterCase`: a resubmission or another review came
 * after it), and not itself the decision on an appeal — an appeal's rejection is final.
 */
export function whyAppealIsRefused(reviewCase: AppealableCase, finalDecisions: ReadonlyArray<{ decision: Decision }>, laterCase: boolean): AppealRefusal | null {
  if (reviewCase.kind === CaseKind.APPEAL) return { reason: 'APPEAL_OF_APPEAL', message: 'This is the decision on an appeal; an appeal is allowed once, so it cannot be appealed again.' };
  if (reviewCase.status !== CaseStatus.DECIDED) return { reason: 'CASE_NOT_DECIDED', message: 'Only decided cases can be appealed.' };
  if (!finalDecisions.some((d) => d.decision === Decision.REJECT)) return { reason: 'NOTHING_REJECTED', message: 'Only rejections can be appealed.' };
  if (reviewCase.appealedAt) return { reason: 'APPEAL_ALREADY_USED', message: 'This rejection has already been appealed; an appeal is allowed once.' };
  if (reviewCase.invalidatedAt) return { reason: 'EPISODE_CHANGED', message: 'The episode changed since the decision; submit it for review again instead.' };
  if (laterCase) return { reason: 'DECISION_SUPERSEDED', message: 'A later review of this episode replaced this decision; only the latest decision can be appealed.' };
  return null;
}
