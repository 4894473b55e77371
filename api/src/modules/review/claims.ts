import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../domain/errors';

/**
 * Reasons a claim-dependent action is refused, as `extensions.reason`: `CLAIM_HELD_BY_OTHER` while
 * another reviewer's claim is live (a lead included: leads release it first), `CLAIM_LAPSED` when
 * no one's claim is live (it ended, was released, or the case was decided).
 */
export type ClaimRefusalReason = 'CLAIM_LAPSED' | 'CLAIM_HELD_BY_OTHER';

/** Whether `userId` holds a live claim on a case still awaiting a decision, and until when. */
export interface ClaimState {
  heldBy: string | null;
  heldByUser: boolean;
  expiresAt: Date | null;
}

/**
 * The one lease check. It reads the database's clock (`now()`), the clock that set the lease, so
 * the API servers, the dashboard and the worker never disagree about whether a claim is live.
 * Inside a transaction pass its EntityManager, so the check sees the locked row.
 */
export async function claimState(em: EntityManager, caseId: string, userId: string | null): Promise<ClaimState> {
  const rows = (await em.getConnection().execute(
    `select claimed_by_id::text as held_by, claim_expires_at as expires_at,
            (status = 'PENDING_REVIEW' and claimed_by_id is not null and claim_expires_at > now()) as live
       from review_case where id = ?`,
    [caseId],
    'all',
    em.getTransactionContext(),
  )) as Array<{ held_by: string | null; expires_at: Date | string | null; live: boolean }>;
  const row = rows[0];
  if (!row || !row.live) return { heldBy: null, heldByUser: false, expiresAt: null };
  return { heldBy: row.held_by, heldByUser: userId !== null && row.held_by === userId, expiresAt: row.expires_at === null ? null : new Date(row.expires_at) };
}

/**
 * Throws CONFLICT unless `userId` holds a live claim on the case (judged by `claimState`), with the
 * reason telling whether someone else holds it. `lapsed` is the sentence for CLAIM_LAPSED.
 */
export async function requireOwnClaim(em: EntityManager, caseId: string, userId: string, lapsed: string): Promise<void> {
  const state = await claimState(em, caseId, userId);
  if (state.heldByUser) return;
  if (state.heldBy) {
    throw new ConflictError(`Another reviewer holds this case until ${state.expiresAt?.toISOString() ?? 'they release it'}; a lead may release it first.`).because('CLAIM_HELD_BY_OTHER' satisfies ClaimRefusalReason);
  }
  throw new ConflictError(lapsed).because('CLAIM_LAPSED' satisfies ClaimRefusalReason);
}
