import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, type FieldError } from '../../domain/errors';
import { LEAD_ROLES, membershipIn, requireUser, roleRequired, rulesFor } from '../../domain/access';
import { OrganizationKind } from '../organization/organization.entity';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, refusedInput, visibleText, withRulesAcrossFields } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { canTransition, EPISODE_TRANSITIONS, transitionEpisode, type EpisodeTransition } from '../catalog/episode-lifecycle';
import { findCase, lockCase, operatorOf } from './case-desk';
import { requireOwnClaim } from './claims';
import { effectivePolicy, knownRuleIds } from './policy';
import { CaseKind, CaseStatus, ReviewCase, Verdict } from './review-case.entity';
import { ReviewComment } from './review-comment.entity';
import { Decision, ReviewDecision } from './review-decision.entity';
import { fieldPath } from '../../domain/field-path';
import { caseOutcomes, outcomesInForce, type TerritoryOutcomeValue } from './territory-outcomes';
import { readsAllCatalogs } from '../catalog/catalog-access';
import { Episode } from '../catalog/episode.entity';
import { isId } from '../common/ids';

const decideSchema = z.object({
  caseId: z.string(),
  version: z.number().int(),
  decisions: z
    .array(
      withRulesAcrossFields(
        'TerritoryDecisionInput',
        z.object({
          territory: z.string().trim().toUpperCase(),
          decision: z.enum(Decision),
          citedRuleIds: z.array(z.string().trim().min(1)).max(20).default([]),
          notes: z.string().trim().max(5000).nullish(),
        }),
        [{ field: 'citedRuleIds', reads: ['decision'], holds: (d) => d.decision === Decision.APPROVE || d.citedRuleIds.length > 0, message: 'Cite the rule(s) behind a rejection or change request.' }],
      ),
    )
    .min(1, 'Decide at least one territory.'),
  comments: z
    .array(z.object({ atSeconds: z.number().min(0, 'Times start at 0.').nullish(), text: visibleText(z.string().trim(), 'A comment needs text.').max(2000) }))
    .max(50)
    .default([]),
});
export type DecideInput = z.input<typeof decideSchema>;

/**
 * Deciding a claimed case (optimistic concurrency on its version, four-eyes against a likely
 * violation) and the reviewers' comments; what changed since the previous case. Audited.
 */
export class DecisionService {
  constructor(private readonly audit: AuditService) {}

  /**
   * Decides every territory of a claimed case. A stale version is CONFLICT. Approving a territory the
   * AI found a LIKELY_VIOLATION in needs a lead's second approval (four-eyes, configurable).
   */
  async decide(ctx: RequestContext, input: DecideInput): Promise<ReviewCase> {
    const decided = await this.decideInTransaction(ctx, input);
    return decided;
  }

  private async decideInTransaction(ctx: RequestContext, input: DecideInput): Promise<ReviewCase> {
    const { actor, isLead } = operatorOf(ctx);
    const data = parseInput(decideSchema, input);
    const em = ctx.em.fork();
    return em.transactional(async (tx) => {
      const reviewCase = await lockCase(tx, data.caseId);
      if (reviewCase.status !== CaseStatus.PENDING_REVIEW) throw new ConflictError(`The case is ${reviewCase.status.toLowerCase().replace('_', ' ')}; it cannot be decided now.`).because('CASE_NOT_PENDING');
      if (reviewCase.version !== data.version) throw new ConflictError(`The case changed since you opened it (version ${data.version}, now ${reviewCase.version}). Reload it before deciding.`, 'input.version').because('CASE_VERSION_STALE');
      await requireOwnClaim(tx, reviewCase.id, actor.user.id, 'Claim the case before deciding it (your claim may have lapsed).');
      // Every decision checked against the case, and all that is refused said at once.
      const known = new Set(reviewCase.territories);
      const seen = new Set<string>();
      const refused: FieldError[] = [];
      data.decisions.forEach((d, i) => {
        if (!known.has(d.territory)) refused.push({ field: fieldPath('input', 'decisions', i, 'territory'), message: `${d.territory} is not a target territory of this case (${reviewCase.territories.join(', ')}).` });
        else if (seen.has(d.territory)) refused.push({ field: fieldPath('input', 'decisions', i, 'territory'), message: `${d.territory} is decided twice.` });
        seen.add(d.territory);
        const ids = knownRuleIds([effectivePolicy(d.territory)]);
        d.citedRuleIds.forEach((id, j) => {
          if (!ids.has(id)) refused.push({ field: fieldPath('input', 'decisions', i, 'citedRuleIds', j), message: `${id} is not a rule in the ${d.territory} policy.` });
        });
      });
      const missing = reviewCase.territories.filter((t) => !seen.has(t));
      if (missing.length) refused.push({ field: 'input.decisions', message: `Decide every target territory; missing ${missing.join(', ')}.` });
      if (refused.length) throw refusedInput(refused);

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
        if (!isLead) throw roleRequired(rulesFor(OrganizationKind.OPERATOR, LEAD_ROLES), 'A second approval must come from a lead.');
        if (firstApprovals.some((d) => d.decidedBy?.id === actor.user.id)) throw new ConflictError('The second approval must come from someone other than the first approver.');
      }
      for (const d of firstApprovals) d.pendingSecondApproval = false;
      for (const d of data.decisions) {
        tx.create(ReviewDecision, { reviewCase, territory: d.territory, decision: d.decision, decidedBy: actor.user, actorLabel: actor.user.email, citedRuleIds: d.citedRuleIds, notes: d.notes ?? null, pendingSecondApproval: false, createdAt: new Date() });
      }
      reviewCase.status = CaseStatus.DECIDED;
      reviewCase.decidedAt = new Date();
      reviewCase.awaitingSecondApproval = false;
      // Escalation hands an open case to leads; the decision ends it (the audit keeps that it was escalated, the note why).
      reviewCase.escalated = false;
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

  /** The final decision per territory of one case; empty until it is decided. */
  async outcomesOfCase(ctx: RequestContext, reviewCase: ReviewCase): Promise<TerritoryOutcomeValue[]> {
    return caseOutcomes(await ctx.em.find(ReviewDecision, { reviewCase }));
  }

  /**
   * Per episode, the decision in force per territory: its latest decided case's (an appeal's for the
   * territories it appealed, the appealed case's for the rest). Empty before any decision and once
   * that decision no longer counts (the material changed: the case was invalidated). Episodes the
   * caller may not read are left out.
   */
  async outcomesOfEpisodes(ctx: RequestContext, episodeIds: readonly string[]): Promise<Map<string, TerritoryOutcomeValue[]>> {
    requireUser(ctx);
    const episodes = await ctx.em.find(Episode, { id: { $in: episodeIds.filter(isId) } }, { populate: ['series'] });
    const visible = episodes.filter((e) => membershipIn(ctx, e.series.studio.id) || readsAllCatalogs(ctx)).map((e) => e.id);
    return this.outcomesOfEpisodesIn(ctx.em, visible);
  }

  /**
   * `outcomesOfEpisodes` without asking who reads: for the system's own work on episodes it was
   * already allowed to touch (processing an upload). Every id gets an entry.
   */
  async outcomesOfEpisodesIn(em: EntityManager, episodeIds: readonly string[]): Promise<Map<string, TerritoryOutcomeValue[]>> {
    const visible = episodeIds.filter(isId);
    const result = new Map<string, TerritoryOutcomeValue[]>(visible.map((id) => [id, []]));
    if (!visible.length) return result;
    const decided = await em.find(ReviewCase, { episode: { $in: visible }, status: CaseStatus.DECIDED }, { orderBy: { decidedAt: 'desc nulls last', submittedAt: 'desc' } });
    const latest = new Map<string, ReviewCase>();
    for (const c of decided) if (!latest.has(c.episode.id)) latest.set(c.episode.id, c);
    const inForce = [...latest.values()].filter((c) => !c.invalidatedAt);
    const caseIds = [...new Set(inForce.flatMap((c) => [c.id, ...(c.kind === CaseKind.APPEAL && c.previousCase ? [c.previousCase.id] : [])]))];
    const decisions = caseIds.length ? await em.find(ReviewDecision, { reviewCase: { $in: caseIds } }) : [];
    const decisionsOf = (caseId: string) => decisions.filter((d) => d.reviewCase.id === caseId);
    for (const c of inForce) {
      const appeal = c.kind === CaseKind.APPEAL && c.previousCase ? c.previousCase.id : null;
      result.set(c.episode.id, outcomesInForce({ appealedTerritories: appeal ? c.territories : null, decisions: decisionsOf(c.id) }, appeal ? decisionsOf(appeal) : []));
    }
    return result;
  }

  async comment(ctx: RequestContext, caseId: string, input: { atSeconds?: number | null; text: string }): Promise<ReviewComment> {
    const { actor } = operatorOf(ctx);
    const data = parseInput(z.object({ atSeconds: z.number().min(0, 'Times start at 0.').nullish(), text: visibleText(z.string().trim(), 'A comment needs text.').max(2000) }), input);
    const em = ctx.em.fork();
    const reviewCase = await findCase(em, caseId);
    const comment = em.create(ReviewComment, { reviewCase, author: actor.user, authorLabel: actor.user.email, atSeconds: data.atSeconds ?? null, text: data.text, createdAt: new Date() });
    this.audit.record(ctx, em, { action: 'review.comment', organizationId: reviewCase.studio.id, subjectType: 'ReviewCase', subjectId: reviewCase.id, summary: { atSeconds: comment.atSeconds } });
    await em.flush();
    return comment;
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
}
