import { z } from 'zod';
import { type UserActor } from '../../domain/access';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, ConflictError, NotFoundError, passes } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../common/pagination';
import { isId } from '../common/ids';
import { OrganizationKind } from '../organization/organization.entity';
import { caseIdOrThrow, mutateCase, operatorOf } from './case-desk';
import { claimableSql, claimState, failedClaimRules, refuseClaim, requireOwnClaim, type Claimant, type ClaimState } from './claims';
import { Finding } from './finding.entity';
import { ReviewCase, Verdict } from './review-case.entity';
import { Decision } from './review-decision.entity';
import { detectorAgreement, type DecidedTerritory, type DetectorAgreement } from './detector-agreement';

export interface QueueFilter {
  territory?: string | null;
  ruleId?: string | null;
  category?: string | null;
  studioId?: string | null;
  aiUnavailable?: boolean | null;
}

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
 * The human queue and its claims: listing and counting it, claiming with leases (row locks with SKIP
 * LOCKED, so two reviewers never get one case), extending, releasing and escalating a claim, and
 * calibration against the AI. Every change is audited against the case.
 */
export class ReviewQueueService {
  constructor(private readonly audit: AuditService) {}

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

  /**
   * Cases awaiting a human, in priority order; grouped by series, each series' cases stay together,
   * the series in the order of their most urgent case.
   */
  async queue(ctx: RequestContext, filter: QueueFilter, first?: number | null, after?: string | null, groupBySeries = false): Promise<Page<ReviewCase>> {
    operatorOf(ctx);
    const size = pageSize(first);
    const [offset] = decodeCursor(after, ['offset']) ?? [0];
    const f = this.filterSql(filter);
    const waiting = `from review_case c join episode e on e.id = c.episode_id where c.status = 'PENDING_REVIEW' and not c.held${f.sql}`;
    const sql = groupBySeries
      ? `select id from (select c.id, e.series_id, row_number() over (order by ${QUEUE_ORDER}) as priority ${waiting}) q
         order by min(priority) over (partition by series_id), priority limit ? offset ?`
      : `select c.id ${waiting} order by ${QUEUE_ORDER} limit ? offset ?`;
    const rows = (await ctx.em.getConnection().execute(sql, [...f.params, size + 1, offset])) as Array<{ id: string }>;
    const ids = rows.slice(0, size).map((r) => r.id);
    const cases = await ctx.em.find(ReviewCase, { id: { $in: ids } }, { populate: ['episode', 'episode.series', 'claimedBy'] });
    const byId = new Map(cases.map((c) => [c.id, c]));
    return { nodes: ids.map((id) => byId.get(id)!), hasNextPage: rows.length > size, endCursor: ids.length ? encodeCursor(offset + ids.length) : null };
  }

  async stats(ctx: RequestContext): Promise<QueueStats> {
    operatorOf(ctx);
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

  /** The caller as a claimant: their studios' cases are a conflict of interest. */
  private claimant(ctx: RequestContext): Claimant {
    const { actor, isLead } = operatorOf(ctx);
    return { userId: actor.user.id, ownStudioIds: this.ownStudios(actor), isLead };
  }

  /**
   * Atomically claims the highest-priority case this reviewer may take (every claim rule in
   * claims.ts: not their own studio's, not one they must not see again, escalated ones only for
   * leads, never their own first approval) for a lease. Null when none is left.
   */
  async claimNext(ctx: RequestContext, filter: QueueFilter = {}): Promise<ReviewCase | null> {
    const claimant = this.claimant(ctx);
    const f = this.filterSql(filter);
    const claimable = claimableSql(claimant);
    // The claim and its audit event commit together.
    return ctx.em.fork().transactional(async (em) => {
      const rows = (await em.getConnection().execute(
        `with next as (
           select c.id from review_case c
           where ${claimable.sql}
             ${f.sql}
           order by ${QUEUE_ORDER}
           limit 1
           for update of c skip locked
         )
         update review_case c set claimed_by_id = ?, claim_expires_at = now() + (? || ' milliseconds')::interval, version = c.version + 1
         from next where c.id = next.id returning c.id`,
        [...claimable.params, ...f.params, claimant.userId, String(ctx.config.review.leaseMs)],
        'all',
        em.getTransactionContext(),
      )) as Array<{ id: string }>;
      if (!rows.length) return null;
      return this.recordClaim(ctx, em, rows[0]!.id);
    });
  }

  /**
   * Claims one named case for a lease, under exactly the rules `claimNext` picks by (claims.ts).
   * Two reviewers claiming it at once: the row lock makes the second see the first's claim, so
   * exactly one wins. Claiming a case you already hold keeps it yours. Refusals name the rule: an
   * unknown id is NOT_FOUND, another reviewer's live claim names them and until when.
   */
  async claimCase(ctx: RequestContext, caseId: string): Promise<ReviewCase> {
    const claimant = this.claimant(ctx);
    const id = caseIdOrThrow(caseId);
    const claimable = claimableSql(claimant);
    return ctx.em.fork().transactional(async (em) => {
      const rows = (await em.getConnection().execute(
        `update review_case c set claimed_by_id = ?, claim_expires_at = now() + (? || ' milliseconds')::interval, version = c.version + 1
         where c.id = ? and ${claimable.sql} returning c.id`,
        [claimant.userId, String(ctx.config.review.leaseMs), id, ...claimable.params],
        'all',
        em.getTransactionContext(),
      )) as Array<{ id: string }>;
      if (rows.length) return this.recordClaim(ctx, em, id);
      const failed = await failedClaimRules(em, id, claimant);
      if (!failed) throw new NotFoundError('Review case');
      const state = await claimState(em, id, claimant.userId);
      // Already yours: nothing to take.
      if (failed.length === 1 && failed[0] === 'CLAIM_HELD_BY_OTHER' && state.heldByUser) return em.findOneOrFail(ReviewCase, id, { populate: ['episode', 'episode.series', 'claimedBy'] });
      return refuseClaim(em, failed[0] ?? 'CLAIM_HELD_BY_OTHER', state);
    });
  }

  /** Whether `claimCase` would give the caller this case now: the same rules, nothing written. */
  async mayClaim(ctx: RequestContext, reviewCase: ReviewCase): Promise<boolean> {
    return passes(async () => {
      const failed = await failedClaimRules(ctx.em, reviewCase.id, this.claimant(ctx));
      if (failed?.length !== 0) throw new ConflictError('Not claimable.');
    });
  }

  /** The claimed case, with its audit event in the claim's transaction. */
  private async recordClaim(ctx: RequestContext, em: EntityManager, caseId: string): Promise<ReviewCase> {
    const claimed = await em.findOneOrFail(ReviewCase, caseId, { populate: ['episode', 'episode.series', 'claimedBy'] });
    this.audit.record(ctx, em, { action: 'review.claim', organizationId: claimed.studio.id, subjectType: 'ReviewCase', subjectId: claimed.id, summary: { reviewer: claimed.claimedBy?.email, leaseUntil: claimed.claimExpiresAt } });
    return claimed;
  }

  /** Keeps a claim alive while the reviewer works. */
  async extendClaim(ctx: RequestContext, caseId: string): Promise<ReviewCase> {
    const { actor } = operatorOf(ctx);
    const updated = (await ctx.em.getConnection().execute(
      `update review_case set claim_expires_at = now() + (? || ' milliseconds')::interval
       where id = ? and claimed_by_id = ? and claim_expires_at > now() and status = 'PENDING_REVIEW' and not held returning id`,
      [String(ctx.config.review.leaseMs), caseIdOrThrow(caseId), actor.user.id],
    )) as Array<{ id: string }>;
    if (!updated.length) {
      const lapsed = 'Your claim on this case has lapsed or it was decided; claim it again.';
      await requireOwnClaim(ctx.em, caseId, actor.user.id, lapsed);
      // Held again after the update missed (the lease ended at that instant): still refused.
      throw new ConflictError(lapsed).because('CLAIM_LAPSED');
    }
    return ctx.em.fork().findOneOrFail(ReviewCase, caseId, { populate: ['episode', 'claimedBy'] });
  }

  async release(ctx: RequestContext, caseId: string): Promise<ReviewCase> {
    const { actor, isLead } = operatorOf(ctx);
    return mutateCase(this.audit, ctx, caseId, 'review.release', async (c, tx) => {
      // Leads release anyone's claim; a reviewer only their own live one, judged by the one lease check.
      if (!isLead) await requireOwnClaim(tx, c.id, actor.user.id, 'You hold no live claim on this case: it has lapsed or was released.');
      c.claimedBy = null;
      c.claimExpiresAt = null;
      return {};
    });
  }

  async escalate(ctx: RequestContext, caseId: string, note: string): Promise<ReviewCase> {
    operatorOf(ctx);
    const text = parseInput(visibleText(z.string().trim(), 'Say why you escalate.').max(2000), note, 'note');
    return mutateCase(this.audit, ctx, caseId, 'review.escalate', (c) => {
      c.escalated = true;
      c.escalationNote = text;
      c.claimedBy = null;
      c.claimExpiresAt = null;
      return { note: text };
    });
  }

  /** The claim on the case as the caller sees it, judged on the database clock. */
  claimFor(ctx: RequestContext, reviewCase: ReviewCase): Promise<ClaimState> {
    return claimState(ctx.em, reviewCase.id, ctx.actor.kind === 'user' ? ctx.actor.user.id : null);
  }

  /** How often humans agreed with or overturned the AI recommendation, per territory and category. */
  async calibration(ctx: RequestContext, since?: Date | null): Promise<Calibration[]> {
    operatorOf(ctx);
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
    operatorOf(ctx);
    const rows = (await ctx.em.getConnection().execute(
      `select d.territory, d.decision, a.provider, a.model, a.ai_completed,
              coalesce((select json_agg(json_build_object('territory', f.territory, 'source', f.source, 'evidence', f.evidence)) from review_finding f where f.review_case_id = c.id), '[]') as findings
       from review_decision d join review_case c on c.id = d.review_case_id join ai_assessment a on a.review_case_id = c.id
       where not d.pending_second_approval and c.kind = 'REVIEW' and c.status = 'DECIDED' and d.actor_label not like 'policy:%' and d.created_at >= ?`,
      [since ?? new Date(0)],
    )) as Array<{ territory: string; decision: Decision; provider: string; model: string | null; ai_completed: boolean; findings: DecidedTerritory['findings'] }>;
    return detectorAgreement(rows.map((r) => ({ territory: r.territory, approved: r.decision === Decision.APPROVE, provider: r.provider, model: r.model, aiCompleted: r.ai_completed, findings: r.findings })));
  }
}
