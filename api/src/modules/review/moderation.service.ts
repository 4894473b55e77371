import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { LEAD_ROLES, operatorRoles, requireUser, type UserActor } from '../../domain/access';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, passes } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { findEpisode } from '../catalog/catalog-access';
import { Episode } from '../catalog/episode.entity';
import { assertTransition, canTransition, EPISODE_TRANSITIONS, transitionEpisode, type EpisodeTransition } from '../catalog/episode-lifecycle';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../common/pagination';
import { isId } from '../common/ids';
import { OrganizationKind } from '../organization/organization.entity';
import { User } from '../user/user.entity';
import { whyAppealIsRefused } from './appeals';
import { claimState, type ClaimState } from './claims';
import { Finding } from './finding.entity';
import { effectivePolicy, knownRuleIds } from './policy';
import { AiStatus, CaseKind, CaseStatus, ReviewCase, Verdict } from './review-case.entity';
import { ReviewComment } from './review-comment.entity';
import { Decision, ReviewDecision } from './review-decision.entity';
import { reviewedMetadata } from './review.service';
import { detectorAgreement, type DecidedTerritory, type DetectorAgreement } from './detector-agreement';

export interface QueueFilter {
  territory?: string | null;
  ruleId?: string | null;
  category?: string | null;
  studioId?: string | null;
  aiUnavailable?: boolean | null;
}

const decideSchema = z.object({
  caseId: z.string(),
  version: z.number().int(),
  decisions: z
    .array(
      z.object({
        territory: z.string().trim().toUpperCase(),
        decision: z.enum(Decision),
        citedRuleIds: z.array(z.string().trim().min(1)).max(20).default([]),
        notes: z.string().trim().max(5000).nullish(),
      }),
    )
    .min(1, 'Decide at least one territory.'),
  comments: z
    .array(z.object({ atSeconds: z.number().min(0, 'Times start at 0.').nullish(), text: z.string().trim().min(1, 'A comment needs text.').max(2000) }))
    .max(50)
    .default([]),
});
export type DecideInput = z.input<typeof decideSchema>;

/** Ordering of the human queue: riskiest first, then the nearest SLA, release date, and age. */
const QUEUE_ORDER = 'c.risk_score desc nulls last, c.sla_due_at asc, c.planned_release_at asc nulls last, c.submitted_at asc, c.id asc';

export interface QueueStats {
  pending: number;
  claimed: number;
  held: number;
  escalated: number;
  slaBreaches: number;
  oldestPendingSeconds: number | null;
  aiUnavailable: number;
  throughput: Array<{ reviewer: string; decisions: number }>;
}

export interface Calibration {
  territory: string;
  category: string;
  decisions: number;
  agreed: number;
  overturned: number;
  uncertain: number;
}

/**
 * The moderation queue: claiming with leases (row locks with SKIP LOCKED, so two reviewers never get
 * one case), decisions with optimistic concurrency and four-eyes, escalation, holds, appeals and
 * takedowns. Every event is audited against the case.
 */
export class ModerationService {
  constructor(
    private readonly audit: AuditService,
  ) {}

  /** Operator people only; leads (and admins) get the lead's powers. */
  private operator(ctx: RequestContext): { actor: UserActor; isLead: boolean; canReview: boolean } {
    const actor = requireUser(ctx);
    const roles = operatorRoles(ctx);
    if (!roles.length) throw new ForbiddenError('Only the operator’s reviewers can do this.');
    return { actor, isLead: roles.some((r) => LEAD_ROLES.includes(r)), canReview: true };
  }

  private requireLead(ctx: RequestContext): UserActor {
    const { actor, isLead } = this.operator(ctx);
    if (!isLead) throw new ForbiddenError('Only leads can do this.');
    return actor;
  }

  /** Studios the reviewer belongs to: their cases are a conflict of interest. */
  private ownStudios(actor: UserActor): string[] {
    return actor.memberships.filter((m) => m.organization.kind === OrganizationKind.STUDIO).map((m) => m.organization.id);
  }

  private filterSql(filter: QueueFilter): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (filter.territory) {
      parts.push('? = any(c.territories)');
      params.push(filter.territory.toUpperCase());
    }
    if (filter.studioId) {
      if (!isId(filter.studioId)) throw new BadUserInputError('filter.studioId', 'studioId is not a valid id.');
      parts.push('c.studio_id = ?');
      params.push(filter.studioId);
    }
    if (filter.aiUnavailable) parts.push(`c.ai_status = 'AI_UNAVAILABLE'`);
    if (filter.ruleId) {
      parts.push('exists (select 1 from review_finding f where f.review_case_id = c.id and f.rule_id = ?)');
      params.push(filter.ruleId);
    }
    if (filter.category) {
      parts.push('exists (select 1 from review_finding f where f.review_case_id = c.id and f.category = ?)');
      params.push(filter.category);
    }
    return { sql: parts.map((p) => ` and ${p}`).join(''), params };
  }

  /** Cases awaiting a human, in priority order. */
  async queue(ctx: RequestContext, filter: QueueFilter, first?: number | null, after?: string | null): Promise<Page<ReviewCase>> {
    this.operator(ctx);
    const size = pageSize(first);
    const [offset] = decodeCursor(after, ['offset']) ?? [0];
    const f = this.filterSql(filter);
    const rows = (await ctx.em.getConnection().execute(
      `select c.id from review_case c where c.status = 'PENDING_REVIEW' and not c.held${f.sql} order by ${QUEUE_ORDER} limit ? offset ?`,
      [...f.params, size + 1, offset],
    )) as Array<{ id: string }>;
    const ids = rows.slice(0, size).map((r) => r.id);
    const cases = await ctx.em.find(ReviewCase, { id: { $in: ids } }, { populate: ['episode', 'episode.series', 'claimedBy'] });
    const byId = new Map(cases.map((c) => [c.id, c]));
    return { nodes: ids.map((id) => byId.get(id)!), hasNextPage: rows.length > size, endCursor: ids.length ? encodeCursor(offset + ids.length) : null };
  }

  async stats(ctx: RequestContext): Promise<QueueStats> {
    this.operator(ctx);
    const conn = ctx.em.getConnection();
    const [row] = (await conn.execute(
      `select
         count(*) filter (where not held)::int as pending,
         count(*) filter (where claimed_by_id is not null and claim_expires_at > now())::int as claimed,
         count(*) filter (where held)::int as held,
         count(*) filter (where escalated or routed_to_lead)::int as escalated,
         count(*) filter (where sla_due_at < now())::int as sla_breaches,
         count(*) filter (where ai_status = 'AI_UNAVAILABLE')::int as ai_unavailable,
         extract(epoch from now() - min(submitted_at))::int as oldest
       from review_case where status = 'PENDING_REVIEW'`,
    )) as Array<{ pending: number; claimed: number; held: number; escalated: number; sla_breaches: number; ai_unavailable: number; oldest: number | null }>;
    const throughput = (await conn.execute(
      `select actor_label as reviewer, count(*)::int as decisions from review_decision
       where decided_by_id is not null and created_at > now() - interval '24 hours' group by actor_label order by decisions desc`,
    )) as Array<{ reviewer: string; decisions: number }>;
    return { pending: row!.pending, claimed: row!.claimed, held: row!.held, escalated: row!.escalated, slaBreaches: row!.sla_breaches, aiUnavailable: row!.ai_unavailable, oldestPendingSeconds: row!.oldest, throughput };
  }

  /**
   * Atomically claims the highest-priority case this reviewer may take (not their own studio's, not
   * one they must not see again, escalated ones only for leads) for a lease. Null when none is left.
   */
  async claimNext(ctx: RequestContext, filter: QueueFilter = {}): Promise<ReviewCase | null> {
    const { actor, isLead } = this.operator(ctx);
    const f = this.filterSql(filter);
    // The claim and its audit event commit together.
    return ctx.em.fork().transactional(async (em) => {
      const rows = (await em.getConnection().execute(
        `with next as (
           select c.id from review_case c
           where c.status = 'PENDING_REVIEW' and not c.held
             and (c.claimed_by_id is null or c.claim_expires_at < now())
             and not (c.studio_id = any(?::uuid[]))
             and not (? = any(c.excluded_reviewer_ids))
             and (not (c.escalated or c.routed_to_lead) or ?::boolean)
             and not exists (select 1 from review_decision d where d.review_case_id = c.id and d.pending_second_approval and d.decided_by_id = ?)
             ${f.sql}
           order by ${QUEUE_ORDER}
           limit 1
           for update of c skip locked
         )
         update review_case c set claimed_by_id = ?, claim_expires_at = now() + (? || ' milliseconds')::interval, version = c.version + 1
         from next where c.id = next.id returning c.id`,
        [`{${this.ownStudios(actor).join(',')}}`, actor.user.id, isLead, actor.user.id, ...f.params, actor.user.id, String(ctx.config.review.leaseMs)],
        'all',
        em.getTransactionContext(),
      )) as Array<{ id: string }>;
      if (!rows.length) return null;
      const claimed = await em.findOneOrFail(ReviewCase, rows[0]!.id, { populate: ['episode', 'episode.series', 'claimedBy'] });
      this.audit.record(ctx, em, { action: 'review.claim', organizationId: claimed.studio.id, subjectType: 'ReviewCase', subjectId: claimed.id, summary: { reviewer: actor.user.email, leaseUntil: claimed.claimExpiresAt } });
      return claimed;
    });
  }

  /** Keeps a claim alive while the reviewer works. */
  async extendClaim(ctx: RequestContext, caseId: string): Promise<ReviewCase> {
    const { actor } = this.operator(ctx);
    const updated = (await ctx.em.getConnection().execute(
      `update review_case set claim_expires_at = now() + (? || ' milliseconds')::interval
       where id = ? and claimed_by_id = ? and claim_expires_at > now() and status = 'PENDING_REVIEW' returning id`,
      [String(ctx.config.review.leaseMs), this.caseIdOrThrow(caseId), actor.user.id],
    )) as Array<{ id: string }>;
    if (!updated.length) throw new ConflictError('Your claim on this case has lapsed or it was decided; claim it again.').because('CLAIM_LAPSED');
    return ctx.em.fork().findOneOrFail(ReviewCase, caseId, { populate: ['episode', 'claimedBy'] });
  }

  async release(ctx: RequestContext, caseId: string): Promise<ReviewCase> {
    const { actor, isLead } = this.operator(ctx);
    return this.mutateCase(ctx, caseId, 'review.release', (c) => {
      if (c.claimedBy?.id !== actor.user.id && !isLead) throw new ConflictError('You do not hold this case.');
      c.claimedBy = null;
      c.claimExpiresAt = null;
      return {};
    });
  }

  async escalate(ctx: RequestContext, caseId: string, note: string): Promise<ReviewCase> {
    this.operator(ctx);
    const text = parseInput(z.string().trim().min(1, 'Say why you escalate.').max(2000), note, 'note');
    return this.mutateCase(ctx, caseId, 'review.escalate', (c) => {
      c.escalated = true;
      c.escalationNote = text;
      c.claimedBy = null;
      c.claimExpiresAt = null;
      return { note: text };
    });
  }

  async hold(ctx: RequestContext, caseId: string, held: boolean, reason?: string | null): Promise<ReviewCase> {
    this.requireLead(ctx);
    const why = held ? parseInput(z.string().trim().min(1, 'Say why the case is held.').max(2000), reason ?? '', 'reason') : null;
    return this.mutateCase(ctx, caseId, held ? 'review.hold' : 'review.unhold', (c) => {
      c.held = held;
      c.holdReason = why;
      if (held) {
        c.claimedBy = null;
        c.claimExpiresAt = null;
      }
      return { reason: why };
    });
  }

  /** A lead hands a case to a named reviewer (a claim on their behalf). */
  async assign(ctx: RequestContext, caseId: string, reviewerId: string): Promise<ReviewCase> {
    this.requireLead(ctx);
    const reviewer = isId(reviewerId) ? await ctx.em.findOne(User, reviewerId) : null;
    if (!reviewer) throw new NotFoundError('Reviewer');
    const memberships = await ctx.em.getConnection().execute(
      `select o.kind, o.id from membership m join organization o on o.id = m.organization_id where m.user_id = ?`,
      [reviewer.id],
    ) as Array<{ kind: string; id: string }>;
    if (!memberships.some((m) => m.kind === 'OPERATOR')) throw new BadUserInputError('reviewerId', 'Cases can only be handed to the operator’s reviewers.');
    return this.mutateCase(ctx, caseId, 'review.assign', (c) => {
      if (memberships.some((m) => m.id === c.studio.id)) throw new ConflictError(`${reviewer.email} belongs to this studio and cannot review its cases.`);
      if (c.excludedReviewerIds.includes(reviewer.id)) throw new ConflictError(`${reviewer.email} decided the case under appeal and cannot take it.`);
      c.claimedBy = reviewer;
      c.claimExpiresAt = new Date(Date.now() + ctx.config.review.leaseMs);
      return { reviewer: reviewer.email };
    });
  }

  /**
   * Decides every territory of a claimed case. A stale version is CONFLICT. Approving a territory the
   * AI found a LIKELY_VIOLATION in needs a lead's second approval (four-eyes, configurable).
   */
  async decide(ctx: RequestContext, input: DecideInput): Promise<ReviewCase> {
    const decided = await this.decideInTransaction(ctx, input);
    return decided;
  }

  private async decideInTransaction(ctx: RequestContext, input: DecideInput): Promise<ReviewCase> {
    const { actor, isLead } = this.operator(ctx);
    const data = parseInput(decideSchema, input);
    const em = ctx.em.fork();
    return em.transactional(async (tx) => {
      const reviewCase = await this.lockCase(tx, data.caseId);
      if (reviewCase.status !== CaseStatus.PENDING_REVIEW) throw new ConflictError(`The case is ${reviewCase.status.toLowerCase().replace('_', ' ')}; it cannot be decided now.`).because('CASE_NOT_PENDING');
      if (reviewCase.version !== data.version) throw new ConflictError(`The case changed since you opened it (version ${data.version}, now ${reviewCase.version}). Reload it before deciding.`, 'input.version').because('CASE_VERSION_STALE');
      if (!(await claimState(tx, reviewCase.id, actor.user.id)).heldByUser) throw new ConflictError('Claim the case before deciding it (your claim may have lapsed).').because('CLAIM_LAPSED');
      const known = new Set(reviewCase.territories);
      const seen = new Set<string>();
      data.decisions.forEach((d, i) => {
        if (!known.has(d.territory)) throw new BadUserInputError(`input.decisions.${i}.territory`, `${d.territory} is not a target territory of this case (${reviewCase.territories.join(', ')}).`);
        if (seen.has(d.territory)) throw new BadUserInputError(`input.decisions.${i}.territory`, `${d.territory} is decided twice.`);
        seen.add(d.territory);
        const ids = knownRuleIds([effectivePolicy(d.territory)]);
        d.citedRuleIds.forEach((id, j) => {
          if (!ids.has(id)) throw new BadUserInputError(`input.decisions.${i}.citedRuleIds.${j}`, `${id} is not a rule in the ${d.territory} policy.`);
        });
        if (d.decision !== Decision.APPROVE && !d.citedRuleIds.length) throw new BadUserInputError(`input.decisions.${i}.citedRuleIds`, 'Cite the rule(s) behind a rejection or change request.');
      });
      const missing = reviewCase.territories.filter((t) => !seen.has(t));
      if (missing.length) throw new BadUserInputError('input.decisions', `Decide every target territory; missing ${missing.join(', ')}.`);

      const verdictOf = (t: string) => reviewCase.verdicts.find((v) => v.territory === t)?.verdict;
      const againstAi = data.decisions.filter((d) => d.decision === Decision.APPROVE && verdictOf(d.territory) === Verdict.LIKELY_VIOLATION);
      const firstApprovals = await tx.find(ReviewDecision, { reviewCase, pendingSecondApproval: true });
      const needsSecond = ctx.config.review.fourEyes && againstAi.length > 0;
      for (const c of data.comments) tx.create(ReviewComment, { reviewCase, author: actor.user, authorLabel: actor.user.email, atSeconds: c.atSeconds ?? null, text: c.text, createdAt: new Date() });

      if (needsSecond && !reviewCase.awaitingSecondApproval) {
        for (const d of data.decisions) {
          tx.create(ReviewDecision, { reviewCase, territory: d.territory, decision: d.decision, decidedBy: actor.user, actorLabel: actor.user.email, citedRuleIds: d.citedRuleIds, notes: d.notes ?? null, pendingSecondApproval: true, createdAt: new Date() });
        }
        reviewCase.awaitingSecondApproval = true;
        reviewCase.escalated = true;
        reviewCase.escalationNote = `Approval of ${againstAi.map((d) => d.territory).join(', ')} against a likely violation needs a lead's second approval.`;
        reviewCase.claimedBy = null;
        reviewCase.claimExpiresAt = null;
        reviewCase.version += 1;
        this.audit.record(ctx, tx, { action: 'review.first_approval', organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: reviewCase.id, summary: { decisions: data.decisions.map((d) => `${d.territory}:${d.decision}`) } });
        return reviewCase;
      }
      if (reviewCase.awaitingSecondApproval && needsSecond) {
        if (!isLead) throw new ForbiddenError('A second approval must come from a lead.');
        if (firstApprovals.some((d) => d.decidedBy?.id === actor.user.id)) throw new ConflictError('The second approval must come from someone other than the first approver.');
      }
      for (const d of firstApprovals) d.pendingSecondApproval = false;
      for (const d of data.decisions) {
        tx.create(ReviewDecision, { reviewCase, territory: d.territory, decision: d.decision, decidedBy: actor.user, actorLabel: actor.user.email, citedRuleIds: d.citedRuleIds, notes: d.notes ?? null, pendingSecondApproval: false, createdAt: new Date() });
      }
      reviewCase.status = CaseStatus.DECIDED;
      reviewCase.decidedAt = new Date();
      reviewCase.awaitingSecondApproval = false;
      reviewCase.claimedBy = null;
      reviewCase.claimExpiresAt = null;
      reviewCase.version += 1;
      const transition: EpisodeTransition = data.decisions.some((d) => d.decision === Decision.REQUEST_CHANGES)
        ? 'requestChanges'
        : data.decisions.every((d) => d.decision === Decision.REJECT)
          ? 'reject'
          : data.decisions.some((d) => d.decision === Decision.APPROVE)
            ? 'approve'
            : 'reject';
      const outcome = EPISODE_TRANSITIONS[transition].to;
      // The episode follows the decision unless it has since moved on (e.g. new media sent it back).
      if (canTransition(reviewCase.episode.status, transition)) transitionEpisode(reviewCase.episode, transition);
      this.audit.record(ctx, tx, {
        action: 'review.decide',
        organizationId: reviewCase.studio.id,
        subjectType: 'ReviewCase',
        subjectId: reviewCase.id,
        summary: { decisions: data.decisions.map((d) => ({ territory: d.territory, decision: d.decision, citedRuleIds: d.citedRuleIds })), episodeStatus: outcome, secondApprovalOf: firstApprovals.map((d) => d.actorLabel) },
      });
      return reviewCase;
    });
  }

  async comment(ctx: RequestContext, caseId: string, input: { atSeconds?: number | null; text: string }): Promise<ReviewComment> {
    const { actor } = this.operator(ctx);
    const data = parseInput(z.object({ atSeconds: z.number().min(0, 'Times start at 0.').nullish(), text: z.string().trim().min(1, 'A comment needs text.').max(2000) }), input);
    const em = ctx.em.fork();
    const reviewCase = await this.findCase(em, caseId);
    const comment = em.create(ReviewComment, { reviewCase, author: actor.user, authorLabel: actor.user.email, atSeconds: data.atSeconds ?? null, text: data.text, createdAt: new Date() });
    this.audit.record(ctx, em, { action: 'review.comment', organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: reviewCase.id, summary: { atSeconds: comment.atSeconds } });
    await em.flush();
    return comment;
  }

  /**
   * A studio appeals a rejection once, with a statement. The appeal is a new case that neither the
   * reviewers who rejected it nor anyone from the studio can take.
   */
  async appeal(ctx: RequestContext, caseId: string, statement: string): Promise<ReviewCase> {
    const text = parseInput(z.string().trim().min(10, 'Explain the appeal in at least 10 characters.').max(5000), statement, 'statement');
    const em = ctx.em.fork();
    return em.transactional(async (tx) => {
      const original = await this.lockCase(tx, caseId);
      const decisions = await this.checkAppeal(ctx, tx, original);
      const rejected = decisions.filter((d) => d.decision === Decision.REJECT);
      const episode = await tx.findOneOrFail(Episode, original.episode.id, { populate: ['series', 'currentMedia'] });
      const metadata = await reviewedMetadata(tx, episode);
      if (episode.currentMedia?.sha256 !== original.mediaSha256 || metadata.hash !== original.metadataHash) {
        throw new ConflictError('The episode changed since the decision; submit it for review again instead.').because('EPISODE_CHANGED');
      }
      original.appealedAt = new Date();
      original.version += 1;
      const appealCase = tx.create(ReviewCase, {
        kind: CaseKind.APPEAL,
        previousCase: original,
        episode,
        studio: original.studio,
        mediaRevision: original.mediaRevision,
        mediaSha256: original.mediaSha256,
        metadataHash: original.metadataHash,
        metadataSnapshot: original.metadataSnapshot,
        territories: [...new Set(rejected.map((d) => d.territory))],
        status: CaseStatus.PENDING_REVIEW,
        aiStatus: original.aiStatus ?? AiStatus.COMPLETED,
        aiError: original.aiError,
        riskScore: original.riskScore,
        verdicts: original.verdicts.filter((v) => rejected.some((d) => d.territory === v.territory)),
        progress: { step: 'appeal' },
        appealStatement: text,
        excludedReviewerIds: [...new Set(rejected.map((d) => d.decidedBy?.id).filter((id): id is string => Boolean(id)))],
        submittedBy: ctx.actor.kind === 'user' ? ctx.actor.user.id : null,
        submittedAt: new Date(),
        slaDueAt: new Date(Date.now() + ctx.config.review.slaMs),
      });
      transitionEpisode(episode, 'appeal');
      this.audit.record(ctx, tx, { action: 'review.appeal', organizationId: original.studio.id, subjectType: 'ReviewCase', subjectId: appealCase.id, summary: { appealOf: original.id, territories: appealCase.territories } });
      return appealCase;
    });
  }

  /**
   * The appeal rule as `appealCase` applies it: the caller edits the studio's catalog and the case
   * passes `whyAppealIsRefused`. Throws the refusal (with its reason); returns the final decisions.
   */
  private async checkAppeal(ctx: RequestContext, em: EntityManager, reviewCase: ReviewCase): Promise<ReviewDecision[]> {
    await findEpisode(ctx, reviewCase.episode.id, 'write', em);
    const decisions = await em.find(ReviewDecision, { reviewCase, pendingSecondApproval: false });
    const refused = whyAppealIsRefused(reviewCase, decisions);
    if (refused) throw new ConflictError(refused.message).because(refused.reason);
    return decisions;
  }

  /** Whether the caller may appeal the case now: the very check `appealCase` makes. */
  mayAppeal(ctx: RequestContext, reviewCase: ReviewCase): Promise<boolean> {
    return passes(() => this.checkAppeal(ctx, ctx.em, reviewCase));
  }

  /** The claim on the case as the caller sees it, judged on the database clock. */
  claimFor(ctx: RequestContext, reviewCase: ReviewCase): Promise<ClaimState> {
    return claimState(ctx.em, reviewCase.id, ctx.actor.kind === 'user' ? ctx.actor.user.id : null);
  }

  /** `takeDownEpisode`'s rule: a lead, and an episode whose status allows a takedown. */
  private checkTakeDown(ctx: RequestContext, episode: Episode): void {
    this.requireLead(ctx);
    assertTransition(episode, 'takeDown');
  }

  /** Whether the caller may take the episode down now: the very check `takeDownEpisode` makes. */
  mayTakeDown(ctx: RequestContext, episode: Episode): Promise<boolean> {
    return passes(() => this.checkTakeDown(ctx, episode));
  }

  /** A lead takes an approved or published episode down, with a reason. */
  async takeDown(ctx: RequestContext, episodeId: string, reason: string): Promise<Episode> {
    this.requireLead(ctx);
    const why = parseInput(z.string().trim().min(3, 'Give the reason for the takedown.').max(2000), reason, 'reason');
    const em = ctx.em.fork();
    const episode = isId(episodeId) ? await em.findOne(Episode, episodeId, { populate: ['series'] }) : null;
    if (!episode) throw new NotFoundError('Episode');
    this.checkTakeDown(ctx, episode);
    const before = episode.status;
    transitionEpisode(episode, 'takeDown');
    episode.takedownReason = why;
    this.audit.record(ctx, em, { action: 'episode.take_down', organizationId: episode.series.studio.id, subjectType: 'Episode', subjectId: episode.id, summary: { reason: why, before: { status: before }, after: { status: episode.status } } });
    await em.flush();
    return episode;
  }

  /** How often humans agreed with or overturned the AI recommendation, per territory and category. */
  async calibration(ctx: RequestContext, since?: Date | null): Promise<Calibration[]> {
    this.operator(ctx);
    const conn = ctx.em.getConnection();
    const decisions = (await conn.execute(
      `select d.review_case_id, d.territory, d.decision, c.verdicts from review_decision d join review_case c on c.id = d.review_case_id
       where not d.pending_second_approval and c.kind = 'REVIEW' and c.status = 'DECIDED' and d.created_at >= ?`,
      [since ?? new Date(0)],
    )) as Array<{ review_case_id: string; territory: string; decision: Decision; verdicts: Array<{ territory: string; verdict: Verdict }> }>;
    const caseIds = [...new Set(decisions.map((d) => d.review_case_id))];
    const findings = caseIds.length ? await ctx.em.find(Finding, { reviewCase: { $in: caseIds } }, { fields: ['reviewCase', 'territory', 'category'] }) : [];
    const buckets = new Map<string, Calibration>();
    for (const d of decisions) {
      const verdict = d.verdicts.find((v) => v.territory === d.territory)?.verdict;
      const categories = [...new Set(findings.filter((f) => f.reviewCase.id === d.review_case_id && f.territory === d.territory).map((f) => f.category))];
      for (const category of categories.length ? categories : ['none']) {
        const key = `${d.territory}|${category}`;
        const b = buckets.get(key) ?? { territory: d.territory, category, decisions: 0, agreed: 0, overturned: 0, uncertain: 0 };
        b.decisions++;
        if (verdict === Verdict.NEEDS_REVIEW || !verdict) b.uncertain++;
        else if ((verdict === Verdict.CLEAR) === (d.decision === Decision.APPROVE)) b.agreed++;
        else b.overturned++;
        buckets.set(key, b);
      }
    }
    return [...buckets.values()].sort((a, b) => a.territory.localeCompare(b.territory) || b.decisions - a.decisions);
  }

  /**
   * Reviewer agreement per detector and model (keyword rules, the profanity matcher, the embedded
   * image model with its version, the OpenAI moderation and policy models): final human decisions
   * on screened cases since `since` (auto-approvals are the screening's own call, left out), against
   * what each detector of that screening flagged.
   */
  async calibrationByDetector(ctx: RequestContext, since?: Date | null): Promise<DetectorAgreement[]> {
    this.operator(ctx);
    const rows = (await ctx.em.getConnection().execute(
      `select d.territory, d.decision, a.provider, a.model, a.ai_completed,
              coalesce((select json_agg(json_build_object('territory', f.territory, 'source', f.source, 'evidence', f.evidence)) from review_finding f where f.review_case_id = c.id), '[]') as findings
       from review_decision d join review_case c on c.id = d.review_case_id join ai_assessment a on a.review_case_id = c.id
       where not d.pending_second_approval and c.kind = 'REVIEW' and c.status = 'DECIDED' and d.actor_label not like 'policy:%' and d.created_at >= ?`,
      [since ?? new Date(0)],
    )) as Array<{ territory: string; decision: Decision; provider: string; model: string | null; ai_completed: boolean; findings: DecidedTerritory['findings'] }>;
    return detectorAgreement(rows.map((r) => ({ territory: r.territory, approved: r.decision === Decision.APPROVE, provider: r.provider, model: r.model, aiCompleted: r.ai_completed, findings: r.findings })));
  }

  async comments(ctx: RequestContext, reviewCase: ReviewCase): Promise<ReviewComment[]> {
    return ctx.em.find(ReviewComment, { reviewCase }, { orderBy: { createdAt: 'asc' } });
  }

  /** For a resubmission or appeal: was the media replaced, and which reviewed text changed. */
  async changesSincePrevious(ctx: RequestContext, reviewCase: ReviewCase): Promise<{ mediaReplaced: boolean; previousMediaSha256: string; metadataChanges: Array<{ field: string; before: string; after: string }> } | null> {
    if (!reviewCase.previousCase) return null;
    const previous = await ctx.em.findOneOrFail(ReviewCase, reviewCase.previousCase.id);
    const before = previous.metadataSnapshot as Record<string, unknown>;
    const after = reviewCase.metadataSnapshot as Record<string, unknown>;
    const fields = ['seriesTitle', 'seriesSynopsis', 'episodeTitle', 'episodeSynopsis', 'subtitles', 'localizations'];
    const metadataChanges = fields
      .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
      .map((f) => ({ field: f, before: typeof before[f] === 'string' ? (before[f] as string) : JSON.stringify(before[f] ?? null), after: typeof after[f] === 'string' ? (after[f] as string) : JSON.stringify(after[f] ?? null) }));
    return { mediaReplaced: previous.mediaSha256 !== reviewCase.mediaSha256, previousMediaSha256: previous.mediaSha256, metadataChanges };
  }

  private caseIdOrThrow(caseId: string): string {
    if (!isId(caseId)) throw new NotFoundError('Review case');
    return caseId;
  }

  private async findCase(em: EntityManager, caseId: string): Promise<ReviewCase> {
    const reviewCase = await em.findOne(ReviewCase, this.caseIdOrThrow(caseId), { populate: ['episode', 'episode.series', 'claimedBy'] });
    if (!reviewCase) throw new NotFoundError('Review case');
    return reviewCase;
  }

  private async lockCase(tx: EntityManager, caseId: string): Promise<ReviewCase> {
    await tx.getConnection().execute('select id from review_case where id = ? for update', [this.caseIdOrThrow(caseId)], 'all', tx.getTransactionContext());
    return this.findCase(tx, caseId);
  }

  private async mutateCase(ctx: RequestContext, caseId: string, action: string, change: (c: ReviewCase) => Record<string, unknown>): Promise<ReviewCase> {
    const em = ctx.em.fork();
    return em.transactional(async (tx) => {
      const reviewCase = await this.lockCase(tx, caseId);
      if (reviewCase.status !== CaseStatus.PENDING_REVIEW) throw new ConflictError(`The case is ${reviewCase.status.toLowerCase().replace('_', ' ')}.`).because('CASE_NOT_PENDING');
      const summary = change(reviewCase);
      reviewCase.version += 1;
      this.audit.record(ctx, tx, { action, organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: reviewCase.id, summary });
      return reviewCase;
    });
  }
}

