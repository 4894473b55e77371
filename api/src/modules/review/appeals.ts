import { CaseKind, CaseStatus } from './review-case.entity';
import { Decision } from './review-decision.entity';

/** What the appeal-once rule reads about a case. */
export interface AppealableCase {
  kind: CaseKind;
  status: CaseStatus;
  appealedAt?: Date | null;
  invalidatedAt?: Date | null;
}

/**
 * A studio may appeal a rejection once. Returns why this case may not be appealed, or null when it
 * may: it must be decided, with at least one (final) rejection, not appealed before, still about the
 * current episode, and not itself the decision on an appeal — an appeal's rejection is final.
 */
export function whyAppealIsRefused(reviewCase: AppealableCase, finalDecisions: ReadonlyArray<{ decision: Decision }>): string | null {
  if (reviewCase.kind === CaseKind.APPEAL) return 'This is the decision on an appeal; an appeal is allowed once, so it cannot be appealed again.';
  if (reviewCase.status !== CaseStatus.DECIDED) return 'Only decided cases can be appealed.';
  if (!finalDecisions.some((d) => d.decision === Decision.REJECT)) return 'Only rejections can be appealed.';
  if (reviewCase.appealedAt) return 'This rejection has already been appealed; an appeal is allowed once.';
  if (reviewCase.invalidatedAt) return 'The episode changed since the decision; submit it for review again instead.';
  return null;
}
