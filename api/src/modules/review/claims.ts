import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../domain/errors';

/**
 * Reasons a claim-dependent action is refused, as `extensions.reason`: `CLAIM_HELD_BY_OTHER` while
 * another reviewer's claim is live (a lead included: leads release it first), `CLAIM_LAPSED` when
 * no one's claim is live (it ended, was released, or the case was decided), `CASE_HELD` while a lead
 * holds the case out of the queue, `CONFLICT_OF_INTEREST` when the person belongs to the case's
 * studio or decided the case under appeal.
 */
export type ClaimRefusalReason = 'CLAIM_LAPSED' | 'CLAIM_HELD_BY_OTHER' | 'CASE_HELD' | 'CONFLICT_OF_INTEREST';

/** Whether `userId` holds a live claim on a case still awaiting a decision, and until when. */
export interface ClaimState {
  heldBy: string | null;
  /** The user holds the live claim and may work the case (no conflict of interest). */
  heldByUser: boolean;
  expiresAt: Date | null;
  /** A lead holds the case out of the queue: nobody may be given it or decide it. */
  caseHeld: boolean;
  /** The user belongs to the case's studio or decided the case under appeal. */
  conflicted: boolean;
}

/** The one refusal for working a held case (assigning or deciding it). */
export function refuseIfHeld(caseHeld: boolean): void {
  if (caseHeld) throw new ConflictError('A lead holds this case out of the queue; it can be assigned or decided once released.').because('CASE_HELD' satisfies ClaimRefusalReason);
}

/** The one refusal for a person who may not work a case: a member of its studio, or who decided the case under appeal. */
export function refuseIfConflicted(conflicted: boolean, who: string): void {
  if (conflicted) throw new ConflictError(`${who} belong${who === 'You' ? '' : 's'} to this case's studio or decided the case under appeal, so cannot review it.`).because('CONFLICT_OF_INTEREST' satisfies ClaimRefusalReason);
}

/**
 * The one lease check. It reads the database's clock (`now()`), the clock that set the lease, so
 * the API servers, the dashboard and the worker never disagree about whether a claim is live. A held
 * case has no live claim, and a claim is not the user's to work while they have a conflict of
 * interest (membership is read now, not as it was at claim time). Inside a transaction pass its
 * EntityManager, so the check sees the locked row.
 */
export async function claimState(em: EntityManager, caseId: string, userId: string | null): Promise<ClaimState> {
  const rows = (await em.getConnection().execute(
    `select c.claimed_by_id::text as held_by, c.claim_expires_at as expires_at, c.held as case_held,
            (c.status = 'PENDING_REVIEW' and not c.held and c.claimed_by_id is not null and c.claim_expires_at > now()) as live,
            (?::text is not null and (?::text = any(c.excluded_reviewer_ids::text[])
              or exists (select 1 from membership m where m.user_id = ?::uuid and m.organization_id = c.studio_id))) as conflicted
       from review_case c where c.id = ?`,
    [userId, userId, userId, caseId],
    'all',
    em.getTransactionContext(),
  )) as Array<{ held_by: string | null; expires_at: Date | string | null; live: boolean; case_held: boolean; conflicted: boolean }>;
  const row = rows[0];
  const caseHeld = Boolean(row?.case_held);
  const conflicted = Boolean(row?.conflicted);
  if (!row || !row.live) return { heldBy: null, heldByUser: false, expiresAt: null, caseHeld, conflicted };
  return { heldBy: row.held_by, heldByUser: userId !== null && row.held_by === userId && !conflicted, expiresAt: row.expires_at === null ? null : new Date(row.expires_at), caseHeld, conflicted };
}

/**
 * Throws CONFLICT unless `userId` holds a live claim on the case and may work it (judged by
 * `claimState`), with the reason: the case is held, the user has a conflict of interest, someone
 * else holds it, or no claim is live. `lapsed` is the sentence for CLAIM_LAPSED.
 */
export async function requireOwnClaim(em: EntityManager, caseId: string, userId: string, lapsed: string): Promise<void> {
  const state = await claimState(em, caseId, userId);
  if (state.heldByUser) return;
  refuseIfHeld(state.caseHeld);
  if (state.heldBy === userId) refuseIfConflicted(state.conflicted, 'You');
  if (state.heldBy) {
    throw new ConflictError(`Another reviewer holds this case until ${state.expiresAt?.toISOString() ?? 'they release it'}; a lead may release it first.`).because('CLAIM_HELD_BY_OTHER' satisfies ClaimRefusalReason);
  }
  throw new ConflictError(lapsed).because('CLAIM_LAPSED' satisfies ClaimRefusalReason);
}
