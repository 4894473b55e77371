import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ConflictError, NotFoundError, passes } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { findEpisode } from '../catalog/catalog-access';
import { Episode } from '../catalog/episode.entity';
import { assertTransition, transitionEpisode } from '../catalog/episode-lifecycle';
import { whyAppealIsRefused, type AppealRefusalReason } from './appeals';
import { findCase, lockCaseAndEpisode } from './case-desk';
import { AiStatus, CaseKind, CaseStatus, ReviewCase } from './review-case.entity';
import { Decision, ReviewDecision } from './review-decision.entity';
import { reviewedMetadata } from './review.service';

/** A studio's appeal of a rejection, and whether it may appeal now (the same check). Audited. */
export class AppealService {
  constructor(private readonly audit: AuditService) {}

  /**
   * A studio appeals a rejection once, with a statement. The appeal is a new case that neither the
   * reviewers who rejected it nor anyone from the studio can take.
   */
  async appeal(ctx: RequestContext, caseId: string, statement: string): Promise<ReviewCase> {
    const text = parseInput(visibleText(z.string().trim().min(10, 'Explain the appeal in at least 10 characters.'), 'Explain the appeal in at least 10 characters.').max(5000), statement, 'statement');
    const em = ctx.em.fork();
    return em.transactional(async (tx) => {
      const original = await lockCaseAndEpisode(tx, caseId);
      const { decisions, episode } = await this.checkAppeal(ctx, tx, original);
      const rejected = decisions.filter((d) => d.decision === Decision.REJECT);
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
   * The appeal rule as `appealCase` applies it, every part of it: the caller edits the studio's
   * catalog; the case passes `whyAppealIsRefused` (decided, a rejection, not appealed, still the
   * episode's latest case); the episode is unchanged since and its status allows an appeal (not
   * taken down, not back in review). Throws the refusal (with its reason); returns the final
   * decisions and the episode, read on `em`.
   */
  private async checkAppeal(ctx: RequestContext, em: EntityManager, reviewCase: ReviewCase): Promise<{ decisions: ReviewDecision[]; episode: Episode }> {
    // Another studio's case is answered as a case that does not exist, in the same words.
    await findEpisode(ctx, reviewCase.episode.id, 'write', em).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('Review case') : error;
    });
    const decisions = await em.find(ReviewDecision, { reviewCase, pendingSecondApproval: false });
    const laterCase = (await em.count(ReviewCase, { episode: reviewCase.episode.id, id: { $ne: reviewCase.id }, submittedAt: { $gt: reviewCase.submittedAt } })) > 0;
    const refused = whyAppealIsRefused(reviewCase, decisions, laterCase);
    if (refused) throw new ConflictError(refused.message).because(refused.reason);
    const episode = await em.findOneOrFail(Episode, reviewCase.episode.id, { populate: ['series', 'currentMedia'] });
    const metadata = await reviewedMetadata(em, episode);
    if (episode.currentMedia?.sha256 !== reviewCase.mediaSha256 || metadata.hash !== reviewCase.metadataHash) {
      throw new ConflictError('The episode changed since the decision; submit it for review again instead.').because('EPISODE_CHANGED' satisfies AppealRefusalReason);
    }
    assertTransition(episode, 'appeal');
    return { decisions, episode };
  }

  /** Whether the caller may appeal the case now: the very check `appealCase` makes, on the current state. */
  mayAppeal(ctx: RequestContext, reviewCase: ReviewCase): Promise<boolean> {
    // A fresh EntityManager: the request's may hold copies a mutation earlier in the request changed.
    const em = ctx.em.fork();
    return passes(async () => this.checkAppeal(ctx, em, await findCase(em, reviewCase.id)));
  }
}
