import { Arg, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Allow, CATALOG_READERS, CATALOG_WRITERS } from '../../graphql/access';
import { Connection, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { Availability, EpisodePrice, EpisodeStatusCount, FieldProblem, PriceTerm, SeriesInput } from './catalog.types';
import { Episode, EpisodeStatus } from './episode.entity';
import { SeriesLicense } from './license.entity';
import { requestLoader } from './loaders';
import { Series } from './series.entity';

@ObjectType()
export class SeriesConnection extends Connection('Series', Series) {}

@ObjectType()
export class EpisodeConnection extends Connection('Episode', Episode) {}


@Resolver(() => Series)
export class SeriesResolver {
  @Allow(...CATALOG_READERS)
  @Query(() => SeriesConnection, { description: "A studio's series, newest first. Archived ones only when asked." })
  async seriesList(
    @Ctx() ctx: GraphQLContext,
    @Arg('studioId', () => ID) studioId: string,
    @Arg('search', () => String, { nullable: true }) search?: string,
    @Arg('includeArchived', () => Boolean, { nullable: true }) includeArchived?: boolean,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<SeriesConnection> {
    return toConnection(await ctx.services.series.list(ctx, studioId, { search, includeArchived, first, after }));
  }

  @Allow(...CATALOG_READERS)
  @Query(() => Series)
  series(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Series> {
    return ctx.services.series.get(ctx, id);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Series)
  createSeries(@Ctx() ctx: GraphQLContext, @Arg('studioId', () => ID) studioId: string, @Arg('input', () => SeriesInput) input: SeriesInput): Promise<Series> {
    return ctx.services.series.create(ctx, studioId, input as Parameters<GraphQLContext['services']['series']['create']>[2]);
  }

  @Allow(...CATALOG_WRITERS)
  @Query(() => [FieldProblem], {
    description:
      'Every field of `input` that `createSeries` (or, with `forUpdate`, `updateSeries`) would refuse by the input\'s own rules, all at once; empty when none. Writes nothing and checks no access to a studio or series: the write itself does. For forms that must show every error after one submit while a field they could not send is fixed.',
  })
  seriesInputProblems(@Ctx() ctx: GraphQLContext, @Arg('input', () => SeriesInput) input: SeriesInput, @Arg('forUpdate', () => Boolean, { nullable: true }) forUpdate?: boolean): FieldProblem[] {
    return ctx.services.series.inputProblems(input, forUpdate ? 'patch' : 'create');
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Series)
  updateSeries(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => SeriesInput) input: SeriesInput): Promise<Series> {
    return ctx.services.series.update(ctx, id, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Series, { description: 'Hides the series from catalog lists; episodes and history stay.' })
  archiveSeries(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Series> {
    return ctx.services.series.setArchived(ctx, id, true);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Series)
  restoreSeries(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Series> {
    return ctx.services.series.setArchived(ctx, id, false);
  }

  @FieldResolver(() => ID)
  studioId(@Root() series: Series): string {
    return series.studio.id;
  }

  @FieldResolver(() => [EpisodeStatusCount], { description: 'How many episodes are in each status.' })
  statusCounts(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<EpisodeStatusCount[]> {
    return requestLoader(ctx, 'series.statusCounts', (ids) => ctx.services.series.statusCounts(ctx, ids), [] as EpisodeStatusCount[]).load(series.id);
  }

  @FieldResolver(() => Int)
  async episodeCount(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await this.statusCounts(series, ctx)).reduce((sum, s) => sum + s.count, 0);
  }

  @FieldResolver(() => SeriesLicense, { nullable: true })
  license(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<SeriesLicense | null> {
    return ctx.services.licenses.get(ctx, series.id);
  }

  @FieldResolver(() => EpisodeConnection, { description: 'Episodes in number order.' })
  async episodes(
    @Root() series: Series,
    @Ctx() ctx: GraphQLContext,
    @Arg('status', () => EpisodeStatus, { nullable: true }) status?: EpisodeStatus,
    @Arg('numberFrom', () => Int, { nullable: true }) numberFrom?: number,
    @Arg('numberTo', () => Int, { nullable: true }) numberTo?: number,
    @Arg('search', () => String, { nullable: true }) search?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<EpisodeConnection> {
    return toConnection(await ctx.services.episodes.list(ctx, series.id, { status, numberFrom, numberTo, search, first, after }));
  }

  @FieldResolver(() => [EpisodePrice], { description: 'What a territory pays for each episode (default: now).' })
  pricePreview(
    @Root() series: Series,
    @Ctx() ctx: GraphQLContext,
    @Arg('territory', () => String) territory: string,
    @Arg('at', () => Date, { nullable: true }) at?: Date,
  ): Promise<EpisodePrice[]> {
    return ctx.services.pricing.preview(ctx, series.id, territory, at);
  }

  @FieldResolver(() => [PriceTerm], { description: 'Every price set on the episodes.' })
  async priceTerms(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<PriceTerm[]> {
    const terms = await ctx.services.pricing.termsOf(ctx, series.id);
    return terms.map((t) => ({ ...t, episodeNumber: t.episode.number, coins: t.coins ?? null, currency: t.currency ?? null, amountMinor: t.amountMinor ?? null, startsAt: t.startsAt ?? null, endsAt: t.endsAt ?? null }));
  }

  @FieldResolver(() => Availability, { description: 'Whether the license allows showing the series in a territory (default: now).' })
  availability(@Root() series: Series, @Ctx() ctx: GraphQLContext, @Arg('territory', () => String) territory: string, @Arg('at', () => Date, { nullable: true }) at?: Date): Promise<Availability> {
    return ctx.services.licenses.availability(ctx, series.id, territory, at);
  }
}
