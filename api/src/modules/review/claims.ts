import type { EntityManager } from '@mikro-orm/postgresql';
import { LEAD_ROLES, roleRequired, rulesFor } from '../../domain/access';
import { ConflictError } from '../../domain/errors';
import { OrganizationKind } from '../organization/organization.entity';

/**
 * Reasons a claim-dependent action is refused, as `extensions.reason`: `CLAIM_HELD_BY_OTHER` while
 * another reviewer's claim is live (a lead included: leads release it first), `CLAIM_LAPSED` when
 * no one's claim is live (it ended, was released, or the case was decided), `CASE_HELD` while a lead
 * holds the case out of the queue, `CONFLICT_OF_INTEREST` when the person belongs to the case's
 * studio or decided the case under appeal, `OWN_FIRST_APPROVAL` when a first approver would give
 * the second approval too.
 */
export type ClaimRefusalReason = 'CLAIM_LAPSED' | 'CLAIM_HELD_BY_OTHER' | 'CASE_HELD' | 'CONFLICT_OF_INTEREST' | 'OWN_FIRST_APPROVAL';

/** Who asks to claim a case: the person, the studios they belong to, and whether they are a lead. */
export interface Claimant {
  userId: string;
  ownStudioIds: readonly string[];
  isLead: boolean;
}

/**
 * Why a case may not be claimed, one per claim rule: `CASE_NOT_PENDING` (decided, screening,
 * withdrawn…), `CASE_HELD`, `FOR_LEADS_ONLY` (escalated, awaiting a second approval, or routed to
 * leads), `CONFLICT_OF_INTEREST` (the claimant's own studio, or a case they must not see again),
 * `OWN_FIRST_APPROVAL` (four-eyes: the first approver never gives the second approval) and
 * `CLAIM_HELD_BY_OTHER` (someone's claim is live).
 */
export type ClaimRule = 'CASE_NOT_PENDING' | 'CASE_HELD' | 'FOR_LEADS_ONLY' | 'CONFLICT_OF_INTEREST' | 'OWN_FIRST_APPROVAL' | 'CLAIM_HELD_BY_OTHER';

/**
 * The claim rules, as SQL conditions over `review_case c` each true when the case passes it, in
 * the order a refusal names them (what the claimant could never do before what may pass). The one
 * place they are written: `claimNextCase` picks among the cases passing all of them, `claimCase`
 * claims one case only when it passes all of them, and `ReviewCase.viewerCanClaim` asks the same.
 */
function claimRules(claimant: Claimant): Array<{ rule: ClaimRule; sql: string; params: unknown[] }> {
  return [
    { rule: 'CASE_NOT_PENDING', sql: `c.status = 'PENDING_REVIEW'`, params: [] },
    { rule: 'CASE_HELD', sql: 'not c.held', params: [] },
    // isForLeadsOnly (review-case.entity.ts); a first approval awaiting its second is escalated.
    { rule: 'FOR_LEADS_ONLY', sql: '(not (c.escalated or c.routed_to_lead) or ?::boolean)', params: [claimant.isLead] },
    { rule: 'CONFLICT_OF_INTEREST', sql: 'not (c.studio_id = any(?::uuid[])) and not (?::text = any(c.excluded_reviewer_ids::text[]))', params: [`{${claimant.ownStudioIds.join(',')}}`, claimant.userId] },
    { rule: 'OWN_FIRST_APPROVAL', sql: 'not exists (select 1 from review_decision d where d.review_case_id = c.id and d.pending_second_approval and d.decided_by_id = ?::uuid)', params: [claimant.userId] },
    { rule: 'CLAIM_HELD_BY_OTHER', sql: '(c.claimed_by_id is null or c.claim_expires_at < now())', params: [] },
  ];
}

/** Every claim rule at once, as one SQL condition over `review_case c` with its parameters. */
export function claimableSql(claimant: Claimant): { sql: string; params: unknown[] } {
  const rules = claimRules(claimant);
  return { sql: rules.map((r) => `(${r.sql})`).join(' and '), params: rules.flatMap((r) => r.params) };
}

/**
 * The claim rules the case fails for this claimant, in `claimRules` order (empty: it may be
 * claimed); null when there is no such case. Inside a transaction pass its EntityManager.
 */
export async function failedClaimRules(em: EntityManager, caseId: string, claimant: Claimant): Promise<ClaimRule[] | null> {
  const rules = claimRules(claimant);
  const rows = (await em.getConnection().execute(
    `select ${rules.map((r, i) => `(${r.sql}) as r${i}`).join(', ')} from review_case c where c.id = ?`,
    [...rules.flatMap((r) => r.params), caseId],
    'all',
    em.getTransactionContext(),
  )) as Array<Record<string, boolean>>;
  const row = rows[0];
  if (!row) return null;
  return rules.filter((_, i) => !row[`r${i}`]).map((r) => r.rule);
}

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
  if (conflicted) throw conflictOfInterest(who);
}

/** The refusal of a person who belongs to the case's studio or decided the case under appeal. */
function conflictOfInterest(who: string): ConflictError {
  return new ConflictError(`${who} belong${who === 'You' ? '' : 's'} to this case's studio or decided the case under appeal, so cannot review it.`).because('CONFLICT_OF_INTEREST' satisfies ClaimRefusalReason);
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

/**
 * The refusal for a claim failing `rule`, worded for the claimant. Another reviewer's live claim
 * names them and until when (`extensions.claimedBy`, `extensions.claimExpiresAt`).
 */
export async function refuseClaim(em: EntityManager, rule: ClaimRule, state: ClaimState): Promise<never> {
  switch (rule) {
    case 'CASE_NOT_PENDING':
      throw new ConflictError('This case is not waiting for a reviewer (it is screening, decided or withdrawn), so it cannot be claimed.').because('CASE_NOT_PENDING');
    case 'CASE_HELD':
      throw new ConflictError('A lead holds this case out of the queue; it can be claimed once released.').because('CASE_HELD' satisfies ClaimRefusalReason);
    case 'FOR_LEADS_ONLY':
      throw roleRequired(rulesFor(OrganizationKind.OPERATOR, LEAD_ROLES), 'This case is for leads only (escalated, awaiting a second approval, or a possible copy of another studio’s content).');
    case 'CONFLICT_OF_INTEREST':
      throw conflictOfInterest('You');
    case 'OWN_FIRST_APPROVAL':
      throw new ConflictError('You gave this case its first approval; the second approval must come from another lead.').because('OWN_FIRST_APPROVAL' satisfies ClaimRefusalReason);
    case 'CLAIM_HELD_BY_OTHER': {
      const holder = state.heldBy ? await em.getConnection().execute<Array<{ name: string; email: string }>>('select name, email from app_user where id = ?', [state.heldBy], 'all', em.getTransactionContext()) : [];
      const who = holder[0] ? `${holder[0].name} (${holder[0].email})` : 'Another reviewer';
      const until = state.expiresAt ? ` until ${state.expiresAt.toISOString()}` : '';
      const error = new ConflictError(`${who} holds this case${until}; it can be claimed once their claim ends or a lead releases it.`).because('CLAIM_HELD_BY_OTHER' satisfies ClaimRefusalReason);
      error.details.claimedBy = who;
      error.details.claimExpiresAt = state.expiresAt?.toISOString() ?? null;
      throw error;
    }
  }
}
