import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow, CATALOG_READERS, CATALOG_WRITERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { AddEpisodesInput, ClearEpisodePricesInput, EffectivePrice, EpisodePrice, FieldProblem, RenumberEpisodesInput, SetEpisodePricesInput, UpdateEpisodeInput } from './catalog.types';
import { Episode } from './episode.entity';
import { requestLoader } from './loaders';


@Resolver(() => Episode)
export class EpisodeResolver {
  @Allow(...CATALOG_READERS)
  @Query(() => Episode)
  episode(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Episode> {
    return ctx.services.episodes.get(ctx, id);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [Episode], { description: 'Adds episodes fromNumber..toNumber as drafts; all or nothing.' })
  addEpisodes(@Ctx() ctx: GraphQLContext, @Arg('input', () => AddEpisodesInput) input: AddEpisodesInput): Promise<Episode[]> {
    return ctx.services.episodes.addRange(ctx, input.seriesId, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Episode)
  updateEpisode(@Ctx() ctx: GraphQLContext, @Arg('input', () => UpdateEpisodeInput) input: UpdateEpisodeInput): Promise<Episode> {
    return ctx.services.episodes.update(ctx, input.id, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [Episode], { description: 'Gives episodes new numbers at once (swaps allowed); the result must be unique.' })
  renumberEpisodes(@Ctx() ctx: GraphQLContext, @Arg('input', () => RenumberEpisodesInput) input: RenumberEpisodesInput): Promise<Episode[]> {
    return ctx.services.episodes.renumber(ctx, input.seriesId, input.moves);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Boolean, { description: 'Deletes a draft episode.' })
  deleteEpisode(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.episodes.remove(ctx, id);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [EpisodePrice], { description: 'Bulk price edit over an episode range in one territory; all or nothing.' })
  setEpisodePrices(@Ctx() ctx: GraphQLContext, @Arg('input', () => SetEpisodePricesInput) input: SetEpisodePricesInput): Promise<EpisodePrice[]> {
    return ctx.services.pricing.setRangePrice(ctx, input.seriesId, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Query(() => [FieldProblem], {
    description:
      'Every field of `input` that `setEpisodePrices` would refuse by the input\'s own rules (rules across fields included), all at once; empty when none. Writes nothing; the series and its episodes are checked by the write itself. For forms that must show every error after one submit while a field they could not send is fixed.',
  })
  episodePricesInputProblems(@Ctx() ctx: GraphQLContext, @Arg('input', () => SetEpisodePricesInput) input: SetEpisodePricesInput): FieldProblem[] {
    return ctx.services.pricing.rangePriceProblems(input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Int, { description: 'Removes the prices set on a range in one territory; returns how many were removed.' })
  clearEpisodePrices(@Ctx() ctx: GraphQLContext, @Arg('input', () => ClearEpisodePricesInput) input: ClearEpisodePricesInput): Promise<number> {
    return ctx.services.pricing.clearRangePrice(ctx, input.seriesId, input);
  }

  @FieldResolver(() => ID)
  seriesId(@Root() episode: Episode): string {
    return episode.series.id;
  }

  @FieldResolver(() => EffectivePrice, { description: 'effectivePrice(episode, territory, at): the price and the rule behind it.' })
  async effectivePrice(@Root() episode: Episode, @Ctx() ctx: GraphQLContext, @Arg('territory', () => String) territory: string, @Arg('at', () => Date, { nullable: true }) at?: Date): Promise<EffectivePrice> {
    const loader = requestLoader(ctx, `effectivePrice|${territory}|${at?.toISOString() ?? 'now'}`, (ids) => ctx.services.pricing.effectivePrices(ctx, ids, territory, at), null);
    const price = await loader.load(episode.id);
    return price ?? ctx.services.pricing.effectivePrice(ctx, episode.id, territory, at);
  }
}
