import { Arg, Ctx, Field, FieldResolver, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Allow, CATALOG_WRITERS, LEADS, OPERATOR_STAFF } from '../../graphql/access';
import { Connection, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { AuditEvent } from '../audit/audit-event.entity';
import { Episode } from '../catalog/episode.entity';
import { ReviewCase } from './review-case.entity';
import { ReviewComment } from './review-comment.entity';
import { Decision } from './review-decision.entity';

@ObjectType()
export class ReviewCaseConnection extends Connection('ReviewCase', ReviewCase) {}

@InputType({ description: 'Narrows the queue.' })
export class QueueFilterInput {
  @Field(() => String, { nullable: true })
  territory?: string;

  @Field(() => String, { nullable: true })
  ruleId?: string;

  @Field(() => String, { nullable: true })
  category?: string;

  @Field(() => ID, { nullable: true })
  studioId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only cases the AI could not screen.' })
  aiUnavailable?: boolean;
}

@InputType()
export class TerritoryDecisionInput {
  @Field(() => String)
  territory!: string;

  @Field(() => Decision)
  decision!: Decision;

  @Field(() => [String], { nullable: true, description: 'Rule ids of the territory’s policy (required for REJECT and REQUEST_CHANGES).' })
  citedRuleIds?: string[];

  @Field(() => String, { nullable: true })
  notes?: string;
}

@InputType()
export class CaseCommentInput {
  @Field(() => Float, { nullable: true, description: 'Seconds into the video.' })
  atSeconds?: number;

  @Field(() => String)
  text!: string;
}

@InputType()
export class DecideCaseInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => Int, { description: 'The case version you saw; a stale one is CONFLICT.' })
  version!: number;

  @Field(() => [TerritoryDecisionInput])
  decisions!: TerritoryDecisionInput[];

  @Field(() => [CaseCommentInput], { nullable: true })
  comments?: CaseCommentInput[];
}

@ObjectType()
export class ReviewerThroughput {
  @Field(() => String)
  reviewer!: string;

  @Field(() => Int, { description: 'Decisions in the last 24 hours.' })
  decisions!: number;
}

@ObjectType()
export class QueueStatsType {
  @Field(() => Int) pending!: number;
  @Field(() => Int) claimed!: number;
  @Field(() => Int) held!: number;
  @Field(() => Int) escalated!: number;
  @Field(() => Int) slaBreaches!: number;
  @Field(() => Int) aiUnavailable!: number;
  @Field(() => Int, { nullable: true }) oldestPendingSeconds!: number | null;
  @Field(() => [ReviewerThroughput]) throughput!: ReviewerThroughput[];
}

@ObjectType({ description: 'How often humans agreed with the AI recommendation, for one territory and finding category.' })
export class CalibrationRow {
  @Field(() => String) territory!: string;
  @Field(() => String, { description: 'Finding category, or "none" for cases without findings.' }) category!: string;
  @Field(() => Int) decisions!: number;
  @Field(() => Int) agreed!: number;
  @Field(() => Int) overturned!: number;
  @Field(() => Int, { description: 'The AI said NEEDS_REVIEW: no recommendation either way.' }) uncertain!: number;
}

@ObjectType({ description: 'How often reviewers agreed with one detector of the screening (a rule set or a model, with its version).' })
export class DetectorCalibrationRow {
  @Field(() => String, { description: 'POLICY_CHECKS, KEYWORD_RULES, PROFANITY_MATCHER, EMBEDDED_IMAGE_MODEL, OPENAI_MODERATION or OPENAI_POLICY_MODEL.' }) detector!: string;
  @Field(() => String, { nullable: true, description: 'The model and version, e.g. "nsfwjs/MobileNetV2 4.4.0" or "omni-moderation-latest"; null for rules.' }) model!: string | null;
  @Field(() => Int, { description: 'Territory decisions on cases this detector screened.' }) decisions!: number;
  @Field(() => Int, { description: 'It flagged and the reviewer did not approve, or it was silent and the reviewer approved.' }) agreed!: number;
  @Field(() => Int, { description: 'It flagged and the reviewer approved.' }) overturned!: number;
  @Field(() => Int, { description: 'It was silent and the reviewer did not approve.' }) missed!: number;
}

@ObjectType()
export class MetadataChange {
  @Field(() => String) field!: string;
  @Field(() => String) before!: string;
  @Field(() => String) after!: string;
}

@ObjectType({ description: 'What changed since the previous case of the episode.' })
export class CaseChanges {
  @Field(() => Boolean) mediaReplaced!: boolean;
  @Field(() => String) previousMediaSha256!: string;
  @Field(() => [MetadataChange]) metadataChanges!: MetadataChange[];
}


@Resolver(() => ReviewCase)
export class ModerationResolver {
  @Allow(...OPERATOR_STAFF)
  @Query(() => ReviewCaseConnection, { description: 'Cases awaiting a human, highest priority first (risk, SLA, release date, age).' })
  async reviewQueue(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => QueueFilterInput, { nullable: true }) filter?: QueueFilterInput,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('groupBySeries', () => Boolean, { nullable: true, description: 'Keep each series\' cases together: series in the order of their most urgent case, each series\' cases in queue order. A cursor belongs to the order it was read in.' }) groupBySeries?: boolean,
  ): Promise<ReviewCaseConnection> {
    return toConnection(await ctx.services.reviewQueue.queue(ctx, filter ?? {}, first, after, groupBySeries ?? false));
  }

  @Allow(...OPERATOR_STAFF)
  @Query(() => QueueStatsType)
  queueStats(@Ctx() ctx: GraphQLContext): Promise<QueueStatsType> {
    return ctx.services.reviewQueue.stats(ctx);
  }

  @Allow(...OPERATOR_STAFF)
  @Query(() => [CalibrationRow], { description: 'Agreement between humans and the AI recommendation.' })
  reviewStats(@Ctx() ctx: GraphQLContext, @Arg('since', () => Date, { nullable: true }) since?: Date): Promise<CalibrationRow[]> {
    return ctx.services.reviewQueue.calibration(ctx, since);
  }

  @Allow(...OPERATOR_STAFF)
  @Query(() => [DetectorCalibrationRow], { description: 'Reviewer agreement per detector and model of the screening: rules, the profanity matcher, the embedded image model, the OpenAI models.' })
  reviewStatsByDetector(@Ctx() ctx: GraphQLContext, @Arg('since', () => Date, { nullable: true }) since?: Date): Promise<DetectorCalibrationRow[]> {
    return ctx.services.reviewQueue.calibrationByDetector(ctx, since);
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewCase, { nullable: true, description: 'Claims the next case you may take, for a lease; null when the queue is empty.' })
  claimNextCase(@Ctx() ctx: GraphQLContext, @Arg('filter', () => QueueFilterInput, { nullable: true }) filter?: QueueFilterInput): Promise<ReviewCase | null> {
    return ctx.services.reviewQueue.claimNext(ctx, filter ?? {});
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewCase, {
    description:
      'Claims this case for a lease, under the rules claimNextCase picks by (ReviewCase.viewerCanClaim says whether it would). Claiming a case you hold keeps it yours. CONFLICT names why not: CLAIM_HELD_BY_OTHER (with extensions.claimedBy and claimExpiresAt), CASE_NOT_PENDING, CASE_HELD, CONFLICT_OF_INTEREST, OWN_FIRST_APPROVAL; a case for leads only is FORBIDDEN for others; an unknown id NOT_FOUND.',
  })
  claimCase(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string): Promise<ReviewCase> {
    return ctx.services.reviewQueue.claimCase(ctx, caseId);
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewCase, { description: 'Extends your claim while you work.' })
  extendClaim(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string): Promise<ReviewCase> {
    return ctx.services.reviewQueue.extendClaim(ctx, caseId);
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewCase, { description: 'Returns a claimed case to the queue.' })
  releaseCase(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string): Promise<ReviewCase> {
    return ctx.services.reviewQueue.release(ctx, caseId);
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewCase, { description: 'Hands the case to the leads.' })
  escalateCase(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string, @Arg('note', () => String) note: string): Promise<ReviewCase> {
    return ctx.services.reviewQueue.escalate(ctx, caseId, note);
  }

  @Allow(...LEADS)
  @Mutation(() => ReviewCase, { description: 'Takes a case out of the queue (held) or puts it back.' })
  holdCase(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string, @Arg('held', () => Boolean) held: boolean, @Arg('reason', () => String, { nullable: true }) reason?: string): Promise<ReviewCase> {
    return ctx.services.leadTools.hold(ctx, caseId, held, reason);
  }

  @Allow(...LEADS)
  @Mutation(() => ReviewCase, { description: 'Hands a case to a named reviewer.' })
  assignCase(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string, @Arg('reviewerId', () => ID) reviewerId: string): Promise<ReviewCase> {
    return ctx.services.leadTools.assign(ctx, caseId, reviewerId);
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewCase, { description: 'Decides every territory of a case you hold.' })
  decideCase(@Ctx() ctx: GraphQLContext, @Arg('input', () => DecideCaseInput) input: DecideCaseInput): Promise<ReviewCase> {
    return ctx.services.decisions.decide(ctx, input);
  }

  @Allow(...OPERATOR_STAFF)
  @Mutation(() => ReviewComment)
  addCaseComment(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string, @Arg('input', () => CaseCommentInput) input: CaseCommentInput): Promise<ReviewComment> {
    return ctx.services.decisions.comment(ctx, caseId, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => ReviewCase, { description: 'Appeals a rejection once, with a statement; a different reviewer or a lead decides.' })
  appealCase(@Ctx() ctx: GraphQLContext, @Arg('caseId', () => ID) caseId: string, @Arg('statement', () => String) statement: string): Promise<ReviewCase> {
    return ctx.services.appeals.appeal(ctx, caseId, statement);
  }

  @Allow(...LEADS)
  @Mutation(() => Episode, { description: 'Takes an approved or published episode down, with a reason.' })
  takeDownEpisode(@Ctx() ctx: GraphQLContext, @Arg('episodeId', () => ID) episodeId: string, @Arg('reason', () => String) reason: string): Promise<Episode> {
    return ctx.services.leadTools.takeDown(ctx, episodeId, reason);
  }

  @FieldResolver(() => [ReviewComment], { description: 'Reviewer comments, some pinned to video times.' })
  async comments(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<ReviewComment[]> {
    if (!(await ctx.services.reviews.findingsVisible(ctx, reviewCase))) return [];
    return ctx.services.decisions.comments(ctx, reviewCase);
  }

  @FieldResolver(() => CaseChanges, { nullable: true, description: 'For a resubmission or appeal: what changed since the previous case.' })
  changesSincePrevious(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<CaseChanges | null> {
    return ctx.services.decisions.changesSincePrevious(ctx, reviewCase);
  }

  @FieldResolver(() => [AuditEvent], { description: 'Every recorded event of the case you may read, oldest first (the studio: not the queue’s handling, what was found only once findings are visible to it, and no reviewer named).' })
  history(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<AuditEvent[]> {
    return ctx.services.reviews.history(ctx, reviewCase);
  }
}
