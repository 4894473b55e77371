import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import { z } from 'zod';
import { isOperatorAdmin, isOperatorStaff, membershipIn, OPERATOR_ADMIN_RULES, OPERATOR_STAFF_RULES, operatorRolesOf, requireUser, roleRequired } from '../../domain/access';
import { BadUserInputError, ConflictError, NotFoundError, passes } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, refuseRepeats } from '../../domain/validation';
import { queueReviewJob } from '../../jobs/queue';
import { AuditEvent } from '../audit/audit-event.entity';
import type { AuditService } from '../audit/audit.service';
import { Membership } from '../membership/membership.entity';
import { lockEpisodes } from './case-desk';
import { decisionForStudio, eventForStudio } from './case-events';
import { findEpisode } from '../catalog/catalog-access';
import { territorySchema, uniqueList } from '../catalog/catalog-validation';
import { Episode, EpisodeStatus } from '../catalog/episode.entity';
import { allowedFrom, canTransition, transitionEpisode } from '../catalog/episode-lifecycle';
import { isId } from '../common/ids';
import { AiAssessment } from './ai-assessment.entity';
import { Finding } from './finding.entity';
import { ACTIVE_PACKS, type PolicyPack } from './policy';
import { AiStatus, CaseKind, CaseStatus, ReviewCase } from './review-case.entity';
import { ReviewDecision } from './review-decision.entity';
import { preselectDecisions, type DecisionPreselection } from './decision-preselection';
import { ReviewSettings } from './review-settings.entity';
import { loadReviewedSnapshots, reviewedDigest, type ReviewedLocalization, type ReviewedSnapshot } from './reviewed-material';
import { fieldPath } from '../../domain/field-path';
import { AudioTrack } from '../media/audio-track.entity';
import { dubDurationToleranceSeconds, mismatchedDubs } from '../media/audio-tracks';

const submitSchema = z.object({
  episodeIds: z.array(z.string()).min(1, 'Choose at least one episode.').max(500, 'Submit at most 500 episodes at once.').superRefine(refuseRepeats<string>('Episodes', (id) => id)),
  territories: uniqueList(territorySchema, 'Territories').min(1, 'Choose at least one target territory.'),
  plannedReleaseAt: z.date().nullish(),
});

const settingsSchema = z.object({
  autoApproveEnabled: z.boolean(),
  autoApproveMaxRisk: z.number().int().min(0, 'Use 0–100.').max(100, 'Use 0–100.'),
  studioSeesFindingsBeforeDecision: z.boolean(),
});

export const OPEN_STATUSES = [CaseStatus.QUEUED, CaseStatus.SCREENING, CaseStatus.PENDING_REVIEW] as const;

/**
 * What a review is bound to: the digest of everything it saw and every field a rule checks
 * (see reviewed-material.ts), and the snapshot kept for later comparison.
 */
export async function reviewedMetadata(em: EntityManager, episode: Episode): Promise<{ hash: string; snapshot: ReviewedSnapshot }> {
  const snapshot = (await loadReviewedSnapshots(em, [episode.id])).get(episode.id);
  if (!snapshot) throw new NotFoundError('Episode');
  return { hash: reviewedDigest(snapshot), snapshot };
}

export class ReviewService {
  constructor(
    private readonly audit: AuditService,
    private readonly queue: () => PgBoss | undefined,
  ) {}

  /**
   * Submits READY episodes for target territories: one case per episode, bound to its media and
   * reviewed text, with the screening job enqueued in the same transaction. All or nothing.
   */
  /**
   * `submitForReview`'s rule for one episode: media uploaded, a status that allows review, and every
   * dub as long as the video (a video replaced after a dub can leave one that no longer fits; every
   * path to partners passes an approval, and every approval starts here).
   */
  private async checkSubmittable(em: EntityManager, episode: Episode, field: string): Promise<void> {
    if (episode.status === EpisodeStatus.IN_REVIEW) throw new ConflictError(`Episode ${episode.number} is already in review.`, field).because('ALREADY_IN_REVIEW');
    if (!canTransition(episode.status, 'submitForReview') || !episode.currentMedia) {
      throw new BadUserInputError(field, `Episode ${episode.number} is ${episode.status}; only episodes with uploaded media (${allowedFrom('submitForReview').join(' or ')}) can be submitted.`).because('NOT_SUBMITTABLE');
    }
    const video = episode.currentMedia.durationSeconds;
    const mismatched = mismatchedDubs(await em.find(AudioTrack, { episode: episode.id }, { orderBy: { language: 'asc' } }), video);
    if (mismatched.length) {
      const error = new ConflictError(
        `Episode ${episode.number}'s video runs ${video.toFixed(1)} s but ${mismatched.map((m) => m.message).join(', ')}; a dub must match the video within ${dubDurationToleranceSeconds(video).toFixed(1)} s. Upload the dub again for this video, or remove it.`,
        field,
      ).because('DUB_DURATION_MISMATCH');
      error.details.languages = mismatched.map((m) => m.language);
      throw error;
    }
  }

  /** Whether the caller may submit the episode for review now: the very checks `submitForReview` makes. */
  maySubmit(ctx: RequestContext, episode: Episode): Promise<boolean> {
    // A fresh EntityManager: the request's may hold a copy a mutation earlier in the request changed.
    const em = ctx.em.fork();
    return passes(async () => {
      const writable = await findEpisode(ctx, episode.id, 'write', em);
      await em.populate(writable, ['currentMedia']);
      await this.checkSubmittable(em, writable, 'episodeId');
    });
  }

  async submit(ctx: RequestContext, input: { episodeIds: string[]; territories: string[]; plannedReleaseAt?: Date | null }): Promise<ReviewCase[]> {
    const data = parseInput(submitSchema, input);
    const boss = this.queue();
    if (!boss) throw new Error('the job queue is not running in this process');
    const em = ctx.em.fork();
    const episodes: Episode[] = [];
    for (const [i, id] of data.episodeIds.entries()) {
      const episode = await findEpisode(ctx, id, 'write', em);
      await em.populate(episode, ['series', 'currentMedia']);
      await this.checkSubmittable(em, episode, fieldPath('input', 'episodeIds', i));
      episodes.push(episode);
    }
    const alreadyInReview = () => new ConflictError('Some of these episodes are already in review.', 'input.episodeIds');
    // A concurrent submission of the same episode can pass the check below; the one-open-case index
    // then refuses it, and the caller hears the same answer as when the check catches it.
    return this.oneOpenCase(alreadyInReview, () => em.transactional(async (tx) => {
      await lockEpisodes(tx, episodes.map((e) => e.id));
      const open = await tx.count(ReviewCase, { episode: { $in: episodes.map((e) => e.id) }, status: { $in: [...OPEN_STATUSES] } });
      if (open) throw alreadyInReview();
      const cases: ReviewCase[] = [];
      for (const [i, read] of episodes.entries()) {
        // Read again under the lock: a replacement committed while this request waited for it has
        // changed the video (and maybe the status). The case binds what is current now, or nothing.
        const episode = await tx.findOneOrFail(Episode, read.id, { refresh: true, populate: ['series', 'currentMedia'] });
        await this.checkSubmittable(tx, episode, fieldPath('input', 'episodeIds', i));
        const metadata = await reviewedMetadata(tx, episode);
        if (metadata.snapshot.mediaSha256 !== episode.currentMedia!.sha256) throw new Error(`episode ${episode.id}'s video changed under its lock`);
        // A resubmission follows the last decided case, so the reviewer can see what changed.
        const previous = await tx.findOne(ReviewCase, { episode, status: CaseStatus.DECIDED }, { orderBy: { decidedAt: 'desc' } });
        const reviewCase = tx.create(ReviewCase, {
          previousCase: previous ?? null,
          slaDueAt: new Date(Date.now() + ctx.config.review.slaMs),
          plannedReleaseAt: data.plannedReleaseAt ?? null,
          episode,
          studio: episode.series.studio,
          mediaRevision: episode.currentMedia!,
          mediaSha256: episode.currentMedia!.sha256,
          metadataHash: metadata.hash,
          metadataSnapshot: metadata.snapshot,
          territories: data.territories,
          status: CaseStatus.QUEUED,
          aiStatus: AiStatus.PENDING,
          verdicts: [],
          progress: { step: 'queued' },
          submittedBy: ctx.actor.kind === 'user' ? ctx.actor.user.id : null,
          submittedAt: new Date(),
        });
        transitionEpisode(episode, 'submitForReview', { field: fieldPath('input', 'episodeIds', i) });
        this.audit.record(ctx, tx, {
          action: 'review.submit',
          organizationId: episode.series.studio.id,
          subjectType: 'ReviewCase',
          subjectId: reviewCase.id,
          summary: { episodeId: episode.id, number: episode.number, territories: data.territories, mediaSha256: reviewCase.mediaSha256 },
        });
        cases.push(reviewCase);
      }
      await tx.flush();
      for (const reviewCase of cases) await queueReviewJob(boss, tx, reviewCase.id);
      return cases;
    }));
  }

  /** Runs `write`, answering `conflict()` when the one-open-case-per-episode index refuses it. */
  private async oneOpenCase<T>(conflict: () => ConflictError, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && (error as { constraint?: string }).constraint === 'review_case_one_open_per_episode') throw conflict();
      throw error;
    }
  }

  /** A case, for the studio that owns it or for the operator's people. */
  async get(ctx: RequestContext, id: string): Promise<ReviewCase> {
    requireUser(ctx);
    const reviewCase = isId(id) ? await ctx.em.findOne(ReviewCase, id, { populate: ['episode', 'episode.series'] }) : null;
    if (!reviewCase || (!isOperatorStaff(ctx) && !membershipIn(ctx, reviewCase.studio.id))) throw new NotFoundError('Review case');
    return reviewCase;
  }

  async casesOfEpisode(ctx: RequestContext, episodeId: string): Promise<ReviewCase[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return ctx.em.find(ReviewCase, { episode }, { orderBy: { submittedAt: 'desc' }, populate: ['episode'] });
  }

  /** The assessment and findings: always for the operator; for the studio after a decision (unless settings say earlier). */
  async findingsVisible(ctx: RequestContext, reviewCase: ReviewCase, settings?: ReviewSettings): Promise<boolean> {
    requireUser(ctx);
    if (isOperatorStaff(ctx)) return true;
    if (reviewCase.status === CaseStatus.DECIDED) return true;
    return (settings ?? (await this.settings(ctx.em))).studioSeesFindingsBeforeDecision;
  }

  /** Every recorded event of the case, oldest first, as the caller may read them (`eventsAsSeenBy`). */
  async history(ctx: RequestContext, reviewCase: ReviewCase): Promise<AuditEvent[]> {
    return this.eventsAsSeenBy(ctx, await ctx.em.find(AuditEvent, { subjectId: reviewCase.id }, { orderBy: { id: 'asc' } }));
  }

  /**
   * Recorded events as the caller may read them, in the case's history and in the audit log alike:
   * all of them for the operator's people; for anyone else, each by `eventForStudio` under the
   * visibility of the case it is about (`findingsVisible`), without naming the operator's people.
   */
  async eventsAsSeenBy(ctx: RequestContext, events: AuditEvent[]): Promise<AuditEvent[]> {
    if (ctx.actor.kind === 'user' && isOperatorStaff(ctx)) return events;
    const caseIds = [...new Set(events.filter((e) => e.subjectType === 'ReviewCase' && e.subjectId && isId(e.subjectId)).map((e) => e.subjectId!))];
    const cases = caseIds.length ? await ctx.em.find(ReviewCase, { id: { $in: caseIds } }) : [];
    const settings = await this.settings(ctx.em);
    const visible = new Map<string, boolean>();
    for (const c of cases) visible.set(c.id, await this.findingsVisible(ctx, c, settings));
    const actorIds = [...new Set(events.map((e) => e.actorId).filter((id): id is string => Boolean(id && isId(id))))];
    const memberships = actorIds.length ? await ctx.em.find(Membership, { user: { $in: actorIds } }, { populate: ['organization'] }) : [];
    const staff = new Set(actorIds.filter((id) => operatorRolesOf(memberships.filter((m) => m.user.id === id)).length > 0));
    return events.flatMap((event) => {
      const seen = eventForStudio(event, {
        findingsVisible: event.subjectType !== 'ReviewCase' || (visible.get(event.subjectId ?? '') ?? false),
        byOperatorStaff: Boolean(event.actorId && staff.has(event.actorId)),
      });
      return seen ? [seen] : [];
    });
  }

  /** An appeal is judged on the screening of the case it appeals. */
  private screenedCase(reviewCase: ReviewCase): ReviewCase {
    return reviewCase.kind === CaseKind.APPEAL && reviewCase.previousCase ? reviewCase.previousCase : reviewCase;
  }

  async assessment(ctx: RequestContext, reviewCase: ReviewCase): Promise<AiAssessment | null> {
    if (!(await this.findingsVisible(ctx, reviewCase))) return null;
    return ctx.em.findOne(AiAssessment, { reviewCase: this.screenedCase(reviewCase) });
  }

  async findings(ctx: RequestContext, reviewCase: ReviewCase): Promise<Finding[]> {
    if (!(await this.findingsVisible(ctx, reviewCase))) return [];
    const where: Record<string, unknown> = { reviewCase: this.screenedCase(reviewCase) };
    if (reviewCase.kind === CaseKind.APPEAL) where.territory = { $in: reviewCase.territories };
    return ctx.em.find(Finding, where, { orderBy: { territory: 'asc', severity: 'desc' } });
  }

  /** The localized titles and synopses the case reviews, as they were submitted (the case is bound to them). */
  /** The series' title as submitted for the review (the series' current one for a case from before snapshots held it). */
  async seriesTitle(ctx: RequestContext, reviewCase: ReviewCase): Promise<string> {
    const reviewed = (reviewCase.metadataSnapshot as Partial<ReviewedSnapshot>).seriesTitle;
    if (reviewed) return reviewed;
    const episode = await ctx.em.findOneOrFail(Episode, reviewCase.episode.id, { populate: ['series'] });
    return episode.series.title;
  }

  reviewedLocalizations(reviewCase: ReviewCase): ReviewedLocalization[] {
    return (reviewCase.metadataSnapshot as Partial<ReviewedSnapshot>).localizations ?? [];
  }

  /** Every decision for the operator's people; for the studio, each as `decisionForStudio` shows it. */
  /**
   * For the operator's people, where each territory's decision starts (`preselectDecisions`): the
   * first reviewer's decision on a case awaiting a second approval, and the rule to tick when
   * citing. Empty for the studio, which never decides.
   */
  async preselectedDecisions(ctx: RequestContext, reviewCase: ReviewCase): Promise<DecisionPreselection[]> {
    if (!(ctx.actor.kind === 'user' && isOperatorStaff(ctx))) return [];
    const [findings, firstDecisions] = await Promise.all([this.findings(ctx, reviewCase), ctx.em.find(ReviewDecision, { reviewCase, pendingSecondApproval: true }, { orderBy: { createdAt: 'asc' } })]);
    return preselectDecisions(reviewCase.territories, reviewCase.verdicts, findings, firstDecisions);
  }

  async decisions(ctx: RequestContext, reviewCase: ReviewCase): Promise<ReviewDecision[]> {
    const decisions = await ctx.em.find(ReviewDecision, { reviewCase }, { orderBy: { createdAt: 'asc' } });
    if (ctx.actor.kind === 'user' && isOperatorStaff(ctx)) return decisions;
    return decisions.flatMap((d) => decisionForStudio(d) ?? []);
  }

  async settings(em: EntityManager): Promise<ReviewSettings> {
    return (await em.findOne(ReviewSettings, 1)) ?? em.create(ReviewSettings, { id: 1, autoApproveEnabled: false, autoApproveMaxRisk: 10, studioSeesFindingsBeforeDecision: false, updatedAt: new Date() }, { persist: false });
  }

  async readSettings(ctx: RequestContext): Promise<ReviewSettings> {
    this.requireOperator(ctx);
    return this.settings(ctx.em);
  }

  /** Admins only; every change is audited. */
  async updateSettings(ctx: RequestContext, input: z.input<typeof settingsSchema>): Promise<ReviewSettings> {
    requireUser(ctx);
    if (!isOperatorAdmin(ctx)) throw roleRequired(OPERATOR_ADMIN_RULES);
    const data = parseInput(settingsSchema, input);
    const em = ctx.em.fork();
    const current = await em.findOne(ReviewSettings, 1);
    const before = current ? { autoApproveEnabled: current.autoApproveEnabled, autoApproveMaxRisk: current.autoApproveMaxRisk, studioSeesFindingsBeforeDecision: current.studioSeesFindingsBeforeDecision } : null;
    const settings = current ?? em.create(ReviewSettings, { id: 1, ...data, updatedAt: new Date() });
    em.assign(settings, data);
    this.audit.record(ctx, em, { action: 'review.settings_update', subjectType: 'ReviewSettings', subjectId: '1', summary: { before, after: data } });
    await em.flush();
    return settings;
  }

  /** The active policy packs, for the operator's people. */
  policyPacks(ctx: RequestContext): readonly PolicyPack[] {
    this.requireOperator(ctx);
    return ACTIVE_PACKS;
  }

  private requireOperator(ctx: RequestContext): void {
    requireUser(ctx);
    if (!isOperatorStaff(ctx)) throw roleRequired(OPERATOR_STAFF_RULES);
  }
}
