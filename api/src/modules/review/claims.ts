import type { EntityManager } from '@mikro-orm/postgresql';

/** Reasons a claim-dependent action is refused, as `extensions.reason`. */
export type ClaimRefusalReason = 'CLAIM_LAPSED';

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
