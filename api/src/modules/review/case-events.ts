/**
 * What a studio reads of the recorded events about its cases, wherever it reads them (a case's
 * `history`, the organization's audit log): one rule, following the case's own visibility.
 */

/** The operator's handling of its queue (who holds a case, until when, why it is held): never the studio's. */
const QUEUE_HANDLING = new Set(['review.claim', 'review.release', 'review.assign', 'review.hold', 'review.unhold']);

/**
 * What screening and reviewers found or said before the decision: the studio reads it once the
 * case's findings are visible to it (`ReviewService.findingsVisible`), as it reads the findings,
 * verdicts and comments themselves.
 */
const FINDINGS = new Set(['review.screened', 'review.comment', 'review.escalate', 'review.first_approval']);

/** Summary keys that name the operator's people. */
const STAFF_NAMING_KEYS = ['reviewer', 'secondApprovalOf', 'leaseUntil'];

/** How an event by the operator's people is signed in the studio's view. */
export const OPERATOR_ACTOR_LABEL = 'Greenlight review team';

export interface RecordedEvent {
  action: string;
  actorId?: string | null;
  actorLabel: string;
  summary: Record<string, unknown>;
}

/**
 * The event as a studio sees it, or null when it does not see it: queue handling never, findings
 * only once `findingsVisible`, and no event names the operator's people (`byOperatorStaff`).
 */
export function eventForStudio<E extends RecordedEvent>(event: E, context: { findingsVisible: boolean; byOperatorStaff: boolean }): E | null {
  if (QUEUE_HANDLING.has(event.action)) return null;
  if (FINDINGS.has(event.action) && !context.findingsVisible) return null;
  if (!context.byOperatorStaff) return event;
  const summary = Object.fromEntries(Object.entries(event.summary).filter(([key]) => !STAFF_NAMING_KEYS.includes(key)));
  return { ...event, actorId: null, actorLabel: OPERATOR_ACTOR_LABEL, summary };
}

/**
 * A territory decision as a studio reads it (`ReviewCase.decisions`): a first approval still
 * waiting for its second is the operator's own business, and a reviewer's decision is signed by
 * the team, not by the reviewer's email. Policy decisions keep their label.
 */
export function decisionForStudio<D extends { actorLabel: string; pendingSecondApproval: boolean; decidedBy?: unknown }>(decision: D): D | null {
  if (decision.pendingSecondApproval) return null;
  return decision.decidedBy ? { ...decision, actorLabel: OPERATOR_ACTOR_LABEL } : decision;
}
