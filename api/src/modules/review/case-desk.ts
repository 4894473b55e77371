import type { EntityManager } from '@mikro-orm/postgresql';
import { LEAD_ROLES, OPERATOR_STAFF_RULES, operatorRoles, requireUser, roleRequired, rulesFor, type UserActor } from '../../domain/access';
import { OrganizationKind } from '../organization/organization.entity';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import type { AuditService } from '../audit/audit.service';
import { isId } from '../common/ids';
import { CaseStatus, ReviewCase } from './review-case.entity';

/**
 * What the review services share: who is operator staff and who a lead, and finding, locking and
 * changing a case with its audit event in one transaction.
 */

/** Operator people only; leads (and admins) get the lead's powers. */
export function operatorOf(ctx: RequestContext): { actor: UserActor; isLead: boolean } {
  const actor = requireUser(ctx);
  const roles = operatorRoles(ctx);
  if (!roles.length) throw roleRequired(OPERATOR_STAFF_RULES);
  return { actor, isLead: roles.some((r) => LEAD_ROLES.includes(r)) };
}

export function requireLead(ctx: RequestContext): UserActor {
  const { actor, isLead } = operatorOf(ctx);
  if (!isLead) throw roleRequired(rulesFor(OrganizationKind.OPERATOR, LEAD_ROLES));
  return actor;
}

export function caseIdOrThrow(caseId: string): string {
  if (!isId(caseId)) throw new NotFoundError('Review case');
  return caseId;
}

export async function findCase(em: EntityManager, caseId: string): Promise<ReviewCase> {
  const reviewCase = await em.findOne(ReviewCase, caseIdOrThrow(caseId), { populate: ['episode', 'episode.series', 'claimedBy'] });
  if (!reviewCase) throw new NotFoundError('Review case');
  return reviewCase;
}

/** The case, locked for the rest of the transaction `tx`. */
export async function lockCase(tx: EntityManager, caseId: string): Promise<ReviewCase> {
  await tx.getConnection().execute('select id from review_case where id = ? for update', [caseIdOrThrow(caseId)], 'all', tx.getTransactionContext());
  return findCase(tx, caseId);
}

/**
 * Locks the episodes' rows for the rest of the transaction `tx`, in id order. Every writer that
 * opens a case for an episode (submission, appeal) takes this lock before it writes, so two of them
 * wait for each other instead of deadlocking on the one-open-case index and the episode row.
 * The ids are the episodes' own (already read), passed as one PostgreSQL array literal.
 */
export async function lockEpisodes(tx: EntityManager, episodeIds: readonly string[]): Promise<void> {
  await tx.getConnection().execute('select id from episode where id = any(?::uuid[]) order by id for update', [`{${episodeIds.join(',')}}`], 'all', tx.getTransactionContext());
}

/**
 * The case locked together with its episode, the episode's row first (the order `lockEpisodes`
 * keeps for every writer that opens a case): for writers that open a new case from this one.
 */
export async function lockCaseAndEpisode(tx: EntityManager, caseId: string): Promise<ReviewCase> {
  const rows = (await tx.getConnection().execute('select episode_id from review_case where id = ?', [caseIdOrThrow(caseId)], 'all', tx.getTransactionContext())) as Array<{ episode_id: string }>;
  if (!rows[0]) throw new NotFoundError('Review case');
  await lockEpisodes(tx, [rows[0].episode_id]);
  return lockCase(tx, caseId);
}

/** Changes a pending case under its lock, bumps its version and audits `action` with the summary `change` returns. */
export async function mutateCase(
  audit: AuditService,
  ctx: RequestContext,
  caseId: string,
  action: string,
  change: (c: ReviewCase, tx: EntityManager) => Record<string, unknown> | Promise<Record<string, unknown>>,
): Promise<ReviewCase> {
  const em = ctx.em.fork();
  return em.transactional(async (tx) => {
    const reviewCase = await lockCase(tx, caseId);
    if (reviewCase.status !== CaseStatus.PENDING_REVIEW) throw new ConflictError(`The case is ${reviewCase.status.toLowerCase().replace('_', ' ')}.`).because('CASE_NOT_PENDING');
    const summary = await change(reviewCase, tx);
    reviewCase.version += 1;
    audit.record(ctx, tx, { action, organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: reviewCase.id, summary });
    return reviewCase;
  });
}
