import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow, CATALOG_WRITERS, OPERATOR_ADMINS, OPERATOR_STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Episode } from '../catalog/episode.entity';
import { Organization } from '../organization/organization.entity';
import { User } from '../user/user.entity';
import { AiAssessment } from './ai-assessment.entity';
import { Finding } from './finding.entity';
import type { PolicyPack } from './policy';
import { ReviewCase, TerritoryVerdict } from './review-case.entity';
import { requestLoader } from '../catalog/loaders';
import type { TerritoryOutcomeValue } from './territory-outcomes';
import { Decision, ReviewDecision, TerritoryOutcome } from './review-decision.entity';
import { ReviewSettings } from './review-settings.entity';

@ObjectType({ description: 'The claim on a case, judged on the database clock (the clock that set the lease).' })
export class CaseClaim {
  @Field(() => Boolean, { description: 'You hold a live claim: you may decide the case.' })
  heldByViewer!: boolean;

  @Field(() => Boolean, { description: 'Someone holds a live claim (you or another reviewer).' })
  held!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the live claim lapses unless extended; null when nobody holds one.' })
  expiresAt!: Date | null;
}

@ObjectType({ description: 'Where the decision form starts for one territory of a case, and the rule it ticks when citing.' })
export class PreselectedDecision {
  @Field(() => String)
  territory!: string;

  @Field(() => Decision, { nullable: true, description: 'The first reviewer’s decision when the case awaits a second approval; else APPROVE where screening found the territory clear; else null (open).' })
  decision!: Decision | null;

  @Field(() => [String], { description: 'The rules the first reviewer cited; none otherwise.' })
  citedRuleIds!: string[];

  @Field(() => ReviewDecision, { nullable: true, description: 'The first decision this starts from (four-eyes): who made it and when.' })
  firstDecision!: ReviewDecision | null;

  @Field(() => [String], { description: 'Rules screening flagged in this territory: its findings that screening counts as flagged (MEDIUM and above, the rule the verdicts follow), each rule once.' })
  screeningFlaggedRuleIds!: string[];

  @Field(() => String, { nullable: true, description: 'Ticked when a decision that needs a citation is chosen and none is ticked: the one rule screening flagged here; null when it flagged none or several.' })
  ruleToCite!: string | null;
}

@InputType()
export class SubmitForReviewInput {
  @Field(() => [ID], { description: 'Episodes with uploaded media (READY).' })
  episodeIds!: string[];

  @Field(() => [String], { description: 'Target territories (ISO 3166-1 alpha-2).' })
  territories!: string[];

  @Field(() => Date, { nullable: true, description: 'When the studio plans to release: nearer dates come first in the queue.' })
  plannedReleaseAt?: Date;
}

@InputType()
export class ReviewSettingsInput {
  @Field(() => Boolean)
  autoApproveEnabled!: boolean;

  @Field(() => Int)
  autoApproveMaxRisk!: number;

  @Field(() => Boolean)
  studioSeesFindingsBeforeDecision!: boolean;
}

@ObjectType({ description: 'A versioned set of content rules for one territory (or GLOBAL).' })
export class PolicyPackType {
  @Field(() => String)
  territory!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => GraphQLJSONObject, { description: 'The whole pack: requirements, title rules, rules and thresholds.' })
  content!: PolicyPack;
}

export enum LocalizedTextOf {
  SERIES = 'SERIES',
  EPISODE = 'EPISODE',
}
registerEnumType(LocalizedTextOf, { name: 'LocalizedTextOf', description: 'Whether a localized text is the series’ or the episode’s.' });

@ObjectType({ description: 'A localized title and synopsis as the case reviews it.' })
export class ReviewedLocalizedText {
  @Field(() => LocalizedTextOf) of!: LocalizedTextOf;
  @Field(() => String, { description: 'BCP 47 language tag.' }) language!: string;
  @Field(() => String) title!: string;
  @Field(() => String) synopsis!: string;
}


@Resolver(() => ReviewCase)
export class ReviewCaseResolver {
  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [ReviewCase], { description: 'Sends READY episodes to review for target territories; screening starts at once.' })
  submitForReview(@Ctx() ctx: GraphQLContext, @Arg('input', () => SubmitForReviewInput) input: SubmitForReviewInput): Promise<ReviewCase[]> {
    return ctx.services.reviews.submit(ctx, input);
  }

  @Allow('USER')
  @Query(() => ReviewCase, { description: 'A review case: its studio sees it; so do the operator’s people.' })
  reviewCase(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ReviewCase> {
    return ctx.services.reviews.get(ctx, id);
  }

  @Allow(...OPERATOR_STAFF)
  @Query(() => [PolicyPackType], { description: 'The active policy packs.' })
  policyPacks(@Ctx() ctx: GraphQLContext): PolicyPackType[] {
    return ctx.services.reviews.policyPacks(ctx).map((p) => ({ territory: p.territory, version: p.version, name: p.name, description: p.description, content: p }));
  }

  @Allow(...OPERATOR_STAFF)
  @Query(() => ReviewSettings)
  reviewSettings(@Ctx() ctx: GraphQLContext): Promise<ReviewSettings> {
    return ctx.services.reviews.readSettings(ctx);
  }

  @Allow(...OPERATOR_ADMINS)
  @Mutation(() => ReviewSettings, { description: 'Auto-approve (off by default) and when studios see findings. Audited.' })
  updateReviewSettings(@Ctx() ctx: GraphQLContext, @Arg('input', () => ReviewSettingsInput) input: ReviewSettingsInput): Promise<ReviewSettings> {
    return ctx.services.reviews.updateSettings(ctx, input);
  }

  @FieldResolver(() => AiAssessment, { nullable: true, description: 'Null while screening, or for the studio before a decision.' })
  assessment(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<AiAssessment | null> {
    return ctx.services.reviews.assessment(ctx, reviewCase);
  }

  @FieldResolver(() => [Finding])
  findings(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<Finding[]> {
    return ctx.services.reviews.findings(ctx, reviewCase);
  }

  @FieldResolver(() => ReviewCase, { nullable: true, description: 'The case this one follows (resubmission or appeal).' })
  previousCase(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<ReviewCase | null> {
    return reviewCase.previousCase ? ctx.em.findOne(ReviewCase, reviewCase.previousCase.id, { populate: ['episode'] }) : Promise.resolve(null);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who holds the claim (it may have lapsed: see claimExpiresAt).' })
  claimedBy(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    return reviewCase.claimedBy ? ctx.em.findOne(User, reviewCase.claimedBy.id) : Promise.resolve(null);
  }

  @FieldResolver(() => String, { description: 'The title of the episode’s series, as submitted for this review.' })
  seriesTitle(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<string> {
    return ctx.services.reviews.seriesTitle(ctx, reviewCase);
  }

  @FieldResolver(() => Organization, { description: 'The studio whose episode this is.' })
  studio(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<Organization> {
    return ctx.em.findOneOrFail(Organization, reviewCase.studio.id);
  }

  @FieldResolver(() => [TerritoryVerdict], { description: 'AI recommendation per territory; for the studio only once findings are visible to it.' })
  async verdicts(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<TerritoryVerdict[]> {
    return (await ctx.services.reviews.findingsVisible(ctx, reviewCase)) ? reviewCase.verdicts : [];
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Highest territory risk; for the studio only once findings are visible to it.' })
  async riskScore(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    return (await ctx.services.reviews.findingsVisible(ctx, reviewCase)) ? (reviewCase.riskScore ?? null) : null;
  }

  @FieldResolver(() => [ReviewedLocalizedText], { description: 'The series’ and the episode’s titles and synopses in other languages, as submitted for this review.' })
  reviewedLocalizations(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): ReviewedLocalizedText[] {
    return ctx.services.reviews.reviewedLocalizations(reviewCase) as ReviewedLocalizedText[];
  }

  @FieldResolver(() => [ReviewDecision])
  decisions(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<ReviewDecision[]> {
    return ctx.services.reviews.decisions(ctx, reviewCase);
  }

  @FieldResolver(() => [TerritoryOutcome], { description: 'The final decision per territory of this case, in territory order: "approved in CA and GB, rejected in US". A first approval waiting for a lead\'s second one is not final. Empty until decided.' })
  territoryOutcomes(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<TerritoryOutcome[]> {
    return ctx.services.decisions.outcomesOfCase(ctx, reviewCase);
  }

  @FieldResolver(() => [PreselectedDecision], { description: 'For the operator’s people: where the decision form starts per target territory, in order (the first reviewer’s decision and cited rules on a case awaiting a second approval), and the rule it ticks when citing. Empty for the studio.' })
  preselectedDecisions(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<PreselectedDecision[]> {
    return ctx.services.reviews.preselectedDecisions(ctx, reviewCase);
  }

  @FieldResolver(() => CaseClaim, { description: 'Whether the case is claimed, by you, and until when.' })
  async claim(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<CaseClaim> {
    const state = await ctx.services.reviewQueue.claimFor(ctx, reviewCase);
    return { heldByViewer: state.heldByUser, held: state.heldBy !== null, expiresAt: state.expiresAt };
  }

  @FieldResolver(() => Boolean, { description: 'claimCase would give you this case now (the same rules claimNextCase picks by); false while you hold it.' })
  viewerCanClaim(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.reviewQueue.mayClaim(ctx, reviewCase);
  }

  @FieldResolver(() => Boolean, { description: 'appealCase would accept an appeal of this case from you now (the same check).' })
  viewerCanAppeal(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.appeals.mayAppeal(ctx, reviewCase);
  }
}

@Resolver(() => Episode)
export class EpisodeReviewResolver {
  @FieldResolver(() => [ReviewCase], { description: 'Review cases of this episode, newest first.' })
  reviewCases(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<ReviewCase[]> {
    return ctx.services.reviews.casesOfEpisode(ctx, episode.id);
  }

  @FieldResolver(() => [TerritoryOutcome], {
    description:
      'The decision in force per territory, in territory order, from the latest decided review (an appeal decides only the territories it appealed; the others keep the decision appealed from). Empty before a decision, and once the material changed since it (the review no longer counts).',
  })
  territoryOutcomes(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<TerritoryOutcome[]> {
    return requestLoader(ctx, 'episode.territoryOutcomes', (ids) => ctx.services.decisions.outcomesOfEpisodes(ctx, ids), [] as TerritoryOutcomeValue[]).load(episode.id);
  }

  @FieldResolver(() => Boolean, { description: 'submitForReview would accept this episode from you now (the same checks).' })
  viewerCanSubmitForReview(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.reviews.maySubmit(ctx, episode);
  }

  @FieldResolver(() => Boolean, { description: 'takeDownEpisode would accept this episode from you now (the same check).' })
  viewerCanTakeDown(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.leadTools.mayTakeDown(ctx, episode);
  }
}
