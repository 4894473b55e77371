import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Allow, LEADS, OPERATOR_STAFF } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Episode } from '../catalog/episode.entity';
import { isForLeadsOnly, ReviewCase } from '../review/review-case.entity';
import type { MatchMoment as StoredMoment } from './content-matching';
import type { ContentMatchView } from './fingerprint.service';
import { ContentMatch, MatchMoment, PossibleDuplicate } from './fingerprint.types';

const moment = (m: StoredMoment): MatchMoment => ({ atSeconds: m.atMs / 1000, matchedAtSeconds: m.matchedAtMs / 1000, distance: m.distance });

function contentMatch(v: ContentMatchView): ContentMatch {
  const message = v.sameStudio
    ? `Possible duplicate of episode ${v.matchedEpisodeNumber} of ${v.matchedSeriesTitle}`
    : `Possible copy of content owned by another studio: episode ${v.matchedEpisodeNumber} of ${v.matchedSeriesTitle} (${v.matchedStudioName})`;
  return { ...v, message, moments: v.moments.map(moment), videoUrl: `/media/${v.mediaRevisionId}/video`, matchedVideoUrl: `/media/${v.matchedRevisionId}/video` };
}

@Resolver(() => Episode)
export class EpisodeFingerprintResolver {
  @FieldResolver(() => [PossibleDuplicate], { description: 'Other episodes of this studio whose current video shows the same pictures as this one’s (found when the video is processed, before submitting).' })
  async possibleDuplicates(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<PossibleDuplicate[]> {
    const duplicates = await ctx.services.fingerprints.possibleDuplicates(ctx, episode.id);
    return duplicates.map((d) => ({ ...d, message: `Possible duplicate of episode ${d.episodeNumber} of ${d.seriesTitle}`, moments: d.moments.map(moment) }));
  }
}

@Resolver(() => ReviewCase)
export class CaseContentMatchResolver {
  @Allow(...OPERATOR_STAFF)
  @FieldResolver(() => [ContentMatch], { description: 'Perceptual-fingerprint matches of the reviewed video with other episodes on the platform, from any studio. Operators only: reviewers, leads and admins alike, also on a case routed to a lead (a lead works that case and rules matches licensed; reviewers may read it).' })
  async contentMatches(@Root() reviewCase: ReviewCase, @Ctx() ctx: GraphQLContext): Promise<ContentMatch[]> {
    return (await ctx.services.fingerprints.matchesOfRevision(ctx, reviewCase.mediaRevision.id)).map(contentMatch);
  }

  @Allow(...OPERATOR_STAFF)
  @FieldResolver(() => Boolean, { description: 'Screening found a possible copy of another studio’s content: the case is for leads only. Operators only (the studio’s own view of its case does not change).' })
  routedToLead(@Root() reviewCase: ReviewCase): boolean {
    return reviewCase.routedToLead;
  }

  @Allow(...OPERATOR_STAFF)
  @FieldResolver(() => Boolean, { description: 'The queue hands this case to leads only (escalated, or routed to a lead): reviewers may read it — its content matches included — but not claim or decide it. Operators only.' })
  forLeadsOnly(@Root() reviewCase: ReviewCase): boolean {
    return isForLeadsOnly(reviewCase);
  }

  @Allow(...LEADS)
  @Mutation(() => ContentMatch, { description: 'A lead rules that the two videos of a match may share pictures (a licensed re-release, a re-edit); remembered for that pair of videos only — other uploads are checked afresh. Audited.' })
  async markContentMatchLicensed(@Ctx() ctx: GraphQLContext, @Arg('matchId', () => ID) matchId: string, @Arg('note', () => String, { description: 'Why, e.g. the contract reference.' }) note: string): Promise<ContentMatch> {
    return contentMatch(await ctx.services.fingerprints.markLicensed(ctx, matchId, note));
  }
}
