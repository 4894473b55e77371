import { z } from 'zod';
import { BadUserInputError, NotFoundError, passes } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { Episode } from '../catalog/episode.entity';
import { assertTransition, transitionEpisode } from '../catalog/episode-lifecycle';
import { isId } from '../common/ids';
import { User } from '../user/user.entity';
import { mutateCase, requireLead } from './case-desk';
import { claimState, refuseIfConflicted, refuseIfHeld } from './claims';
import { isForLeadsOnly, type ReviewCase } from './review-case.entity';
import { Role } from '../membership/membership.entity';

/** What only leads (and admins) do: hold a case, hand it to a named reviewer, take an episode down. Audited. */
export class LeadToolsService {
  constructor(private readonly audit: AuditService) {}

  async hold(ctx: RequestContext, caseId: string, held: boolean, reason?: string | null): Promise<ReviewCase> {
    requireLead(ctx);
    const why = held ? parseInput(visibleText(z.string().trim(), 'Say why the case is held.').max(2000), reason ?? '', 'reason') : null;
    return mutateCase(this.audit, ctx, caseId, held ? 'review.hold' : 'review.unhold', (c) => {
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
    requireLead(ctx);
    const reviewer = isId(reviewerId) ? await ctx.em.findOne(User, reviewerId) : null;
    if (!reviewer) throw new NotFoundError('Reviewer');
    const memberships = await ctx.em.getConnection().execute(
      `select o.kind, o.id, m.role from membership m join organization o on o.id = m.organization_id where m.user_id = ?`,
      [reviewer.id],
    ) as Array<{ kind: string; id: string; role: string }>;
    if (!memberships.some((m) => m.kind === 'OPERATOR')) throw new BadUserInputError('reviewerId', 'Cases can only be handed to the operator’s reviewers.');
    return mutateCase(this.audit, ctx, caseId, 'review.assign', async (c, tx) => {
      // The rules deciding applies (claims.ts), so a hand-over never gives someone a case they could not decide.
      const state = await claimState(tx, c.id, reviewer.id);
      refuseIfHeld(state.caseHeld);
      refuseIfConflicted(state.conflicted, reviewer.email);
      // The queue's rule for escalated and routed cases holds for a hand-over too: leads work them.
      const lead = memberships.some((m) => m.kind === 'OPERATOR' && (m.role === Role.LEAD || m.role === Role.ADMIN));
      if (isForLeadsOnly(c) && !lead) throw new BadUserInputError('reviewerId', `This case is for leads only (escalated, or a possible copy of another studio's content); ${reviewer.email} is not a lead.`);
      c.claimedBy = reviewer;
      c.claimExpiresAt = new Date(Date.now() + ctx.config.review.leaseMs);
      return { reviewer: reviewer.email };
    });
  }

  /** `takeDownEpisode`'s rule: a lead, and an episode whose status allows a takedown. */
  private checkTakeDown(ctx: RequestContext, episode: Episode): void {
    requireLead(ctx);
    assertTransition(episode, 'takeDown');
  }

  /** Whether the caller may take the episode down now: the very check `takeDownEpisode` makes. */
  mayTakeDown(ctx: RequestContext, episode: Episode): Promise<boolean> {
    // Read afresh: the request's copy may predate a mutation earlier in the same request.
    return passes(async () => this.checkTakeDown(ctx, await ctx.em.fork().findOneOrFail(Episode, episode.id)));
  }

  /** A lead takes an approved or published episode down, with a reason. */
  async takeDown(ctx: RequestContext, episodeId: string, reason: string): Promise<Episode> {
    requireLead(ctx);
    const why = parseInput(visibleText(z.string().trim().min(3, 'Give the reason for the takedown.'), 'Give the reason for the takedown.').max(2000), reason, 'reason');
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
}
