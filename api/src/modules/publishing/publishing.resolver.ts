import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow, CATALOG_WRITERS, OPERATOR_ADMINS, PARTNER_MANAGERS } from '../../graphql/access';
import { toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { argumentsAlong, selectsBelow } from '../../graphql/selection';
import { requestLoader } from '../catalog/loaders';
import { Episode } from '../catalog/episode.entity';
import { Series } from '../catalog/series.entity';
import { decodeCursor, encodeCursor, pageSize } from '../common/pagination';
import { PartnerProfile } from './partner-profile.entity';
import { globalId, type CatalogEpisodeRow, type CatalogSeriesRow, type EpisodeWindow } from './partner-catalog.service';
import {
  CatalogEpisode,
  CatalogEpisodeConnection,
  CatalogEventConnection,
  CatalogFilterInput,
  CatalogSeries,
  CatalogSeriesConnection,
  CatalogSubtitleTrack,
  CatalogAudioTrack,
  CreateWebhookEndpointPayload,
  GoLiveCheckType,
  Node,
  PartnerDistribution,
  PartnerInfo,
  PartnerProfileInput,
  Playback,
  ReleasePlanInput,
} from './publishing.types';
import { ReleasePlan } from './release-plan.entity';
import type { SubtitleKind } from '../media/subtitle-track.entity';
import { WebhookDelivery, WebhookEndpoint } from './webhook.entity';

const toSeries = (row: CatalogSeriesRow): CatalogSeries => Object.assign(new CatalogSeries(), row, { id: globalId('CatalogSeries', row.id, row.territory), rowId: row.id });
/**
 * Field by field onto the instance rather than `Object.assign`: a catalog page makes a thousand of
 * these, and copying a row's properties one by one (its unused ones too) cost about 1 ms a page.
 */
const toEpisode = (row: CatalogEpisodeRow): CatalogEpisode => {
  const episode = new CatalogEpisode();
  episode.id = globalId('CatalogEpisode', row.id, row.territory);
  episode.rowId = row.id;
  episode.territory = row.territory;
  episode.number = row.number;
  episode.title = row.title;
  episode.synopsis = row.synopsis;
  episode.language = row.language;
  episode.durationSeconds = row.durationSeconds;
  episode.width = row.width;
  episode.height = row.height;
  episode.hasPoster = row.hasPoster;
  episode.subtitleLanguages = row.subtitleLanguages;
  episode.subtitleRows = row.subtitles;
  episode.audioRows = row.audioTracks;
  episode.price = row.price;
  episode.aiContent = row.aiContent;
  return episode;
};

/** The window of episodes a series' `episodes(first, after)` reads: one more than it shows, to know whether more follow. */
const episodeWindow = (first: number | null | undefined, after: string | null | undefined, withDubs: boolean): EpisodeWindow => ({
  limit: pageSize(first) + 1,
  afterNumber: (decodeCursor(after, ['int']) ?? [0])[0],
  withDubs,
});

const episodeConnection = (rows: CatalogEpisodeRow[], size: number): CatalogEpisodeConnection => {
  const nodes = rows.slice(0, size);
  return { nodes: nodes.map(toEpisode), pageInfo: { hasNextPage: rows.length > size, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.number) : null } };
};

/**
 * The episodes a catalog page asks of each series (`nodes { episodes(…) }`), so they are read in the
 * page's own statement: null when the page asks for none, asks for them with different arguments in
 * different places, or with arguments the field will refuse (its resolver then reads or refuses them
 * itself, as it would without this).
 */
function episodesAskedOnPage(info: GraphQLResolveInfo): EpisodeWindow | null {
  const asked = argumentsAlong(info, ['nodes', 'episodes']);
  if (!asked.length) return null;
  try {
    const windows = asked.map((args) => episodeWindow(args.first as number | null | undefined, args.after as string | null | undefined, selectsBelow(info, 'audioTracks')));
    const [window] = windows;
    return windows.every((w) => w.limit === window!.limit && w.afterNumber === window!.afterNumber) ? window! : null;
  } catch {
    return null;
  }
}

@Resolver()
export class PartnerApiResolver {
  @Allow('PARTNER_KEY')
  @Query(() => CatalogSeriesConnection, { description: 'Series with live episodes for you in a territory you serve. `first` ≤ 100.' })
  async catalog(
    @Ctx() ctx: GraphQLContext,
    @Arg('territory', () => String) territory: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('filter', () => CatalogFilterInput, { nullable: true }) filter?: CatalogFilterInput,
    @Arg('language', () => String, { nullable: true, description: 'BCP 47 language for titles and synopses (e.g. es-MX): the exact localization, else a less specific or sibling one of the same language (es, es-419), else the original. Each item states the language used.' }) language?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<CatalogSeriesConnection> {
    const page = await ctx.services.partnerCatalog.catalog(ctx, territory, first, after, filter ?? {}, language, info ? episodesAskedOnPage(info) : null);
    return toConnection({ ...page, nodes: page.nodes.map(toSeries) });
  }

  @Allow('PARTNER_KEY')
  @Query(() => Node, { nullable: true, description: 'A catalog series or episode by global id, while it is live for you.' })
  async node(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('language', () => String, { nullable: true, description: 'BCP 47 language for title and synopsis, chosen as `catalog` does.' }) language?: string,
  ): Promise<Node | null> {
    const found = await ctx.services.partnerCatalog.node(ctx, id, language);
    if (!found) return null;
    return found.kind === 'CatalogSeries' ? toSeries(found.row) : toEpisode(found.row);
  }

  @Allow('PARTNER_KEY')
  @Query(() => Playback, { description: 'Signed, expiring URLs for a live episode.' })
  playback(@Ctx() ctx: GraphQLContext, @Arg('episodeId', () => ID) episodeId: string, @Arg('territory', () => String) territory: string): Promise<Playback> {
    return ctx.services.partnerCatalog.playback(ctx, episodeId, territory);
  }

  @Allow('PARTNER_KEY')
  @Query(() => CatalogEventConnection, { description: 'Your catalog changes in order: PUBLISHED, UPDATED, PRICE_CHANGED, TAKEN_DOWN, EXPIRED. Resume with `after`.' })
  async changes(
    @Ctx() ctx: GraphQLContext,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('since', () => Date, { nullable: true }) since?: Date,
    @Arg('first', () => Int, { nullable: true }) first?: number,
  ): Promise<CatalogEventConnection> {
    return toConnection(await ctx.services.partnerCatalog.changes(ctx, after, since, first));
  }

  @Allow('USER')
  @Query(() => [PartnerInfo], { description: 'Partner platforms a studio can release to.' })
  partners(@Ctx() ctx: GraphQLContext): Promise<PartnerInfo[]> {
    return ctx.services.partners.list(ctx);
  }

  @Allow(...OPERATOR_ADMINS)
  @Mutation(() => PartnerProfile, { description: 'Sets a partner’s territories, currency and rate limit.' })
  updatePartner(@Ctx() ctx: GraphQLContext, @Arg('partnerId', () => ID) partnerId: string, @Arg('input', () => PartnerProfileInput) input: PartnerProfileInput): Promise<PartnerProfile> {
    return ctx.services.partners.update(ctx, partnerId, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => ReleasePlan, { description: 'Releases a series to a partner: all at once, in daily drops, or per episode.' })
  setReleasePlan(@Ctx() ctx: GraphQLContext, @Arg('seriesId', () => ID) seriesId: string, @Arg('partnerId', () => ID) partnerId: string, @Arg('input', () => ReleasePlanInput) input: ReleasePlanInput): Promise<ReleasePlan> {
    return ctx.services.releases.setPlan(ctx, seriesId, partnerId, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Boolean, { description: 'Stops releasing a series to a partner; its live episodes are withdrawn.' })
  removeReleasePlan(@Ctx() ctx: GraphQLContext, @Arg('seriesId', () => ID) seriesId: string, @Arg('partnerId', () => ID) partnerId: string): Promise<boolean> {
    return ctx.services.releases.removePlan(ctx, seriesId, partnerId);
  }

  @Allow(...PARTNER_MANAGERS)
  @Query(() => [WebhookEndpoint])
  webhookEndpoints(@Ctx() ctx: GraphQLContext, @Arg('partnerId', () => ID) partnerId: string): Promise<WebhookEndpoint[]> {
    return ctx.services.webhooks.endpoints(ctx, partnerId);
  }

  @Allow(...PARTNER_MANAGERS)
  @Mutation(() => CreateWebhookEndpointPayload, { description: 'Adds an endpoint; its signing secret is returned once.' })
  createWebhookEndpoint(@Ctx() ctx: GraphQLContext, @Arg('partnerId', () => ID) partnerId: string, @Arg('url', () => String) url: string): Promise<CreateWebhookEndpointPayload> {
    return ctx.services.webhooks.createEndpoint(ctx, partnerId, url);
  }

  @Allow(...PARTNER_MANAGERS)
  @Mutation(() => WebhookEndpoint, { description: 'Turns an endpoint on (clearing failures) or off.' })
  setWebhookEndpointEnabled(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('enabled', () => Boolean) enabled: boolean): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.setEnabled(ctx, id, enabled);
  }

  @Allow(...PARTNER_MANAGERS)
  @Query(() => [WebhookDelivery], { description: 'The delivery log of an endpoint, newest first.' })
  webhookDeliveries(@Ctx() ctx: GraphQLContext, @Arg('endpointId', () => ID) endpointId: string, @Arg('first', () => Int, { nullable: true }) first?: number): Promise<WebhookDelivery[]> {
    return ctx.services.webhooks.deliveries(ctx, endpointId, first ?? 50);
  }

  @Allow(...PARTNER_MANAGERS)
  @Mutation(() => WebhookDelivery, { description: 'Sends a delivery again now.' })
  redeliverWebhook(@Ctx() ctx: GraphQLContext, @Arg('deliveryId', () => ID) deliveryId: string): Promise<WebhookDelivery> {
    return ctx.services.webhooks.redeliver(ctx, deliveryId);
  }
}

@Resolver(() => CatalogSeries)
export class CatalogSeriesResolver {
  @FieldResolver(() => CatalogEpisodeConnection, { description: 'Live episodes in number order. `first` ≤ 100.' })
  async episodes(
    @Root() series: CatalogSeries,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<CatalogEpisodeConnection> {
    const window = episodeWindow(first, after, !info || selectsBelow(info, 'audioTracks'));
    const { limit, afterNumber, withDubs } = window;
    const size = limit - 1;
    // Read with the page when the page asked for this window (see episodesAskedOnPage).
    const read = series.episodePage;
    if (read && read.window.limit === limit && read.window.afterNumber === afterNumber && (read.window.withDubs || !withDubs)) return episodeConnection(read.rows, size);
    // Otherwise one statement for every series on the page (the same arguments batch together).
    const loader = requestLoader(ctx, `catalogEpisodes|${series.territory}|${size}|${afterNumber}|${series.requestedLanguage ?? ''}|${withDubs}`, (ids) => ctx.services.partnerCatalog.episodesOf(ctx, series.territory, ids, limit, afterNumber, series.requestedLanguage, withDubs), [] as CatalogEpisodeRow[]);
    return episodeConnection(await loader.load(series.rowId), size);
  }
}

@Resolver(() => CatalogEpisode)
export class CatalogEpisodeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'A signed, expiring poster image URL.' })
  posterUrl(@Root() episode: CatalogEpisode, @Ctx() ctx: GraphQLContext): string | null {
    return episode.hasPoster ? ctx.services.partnerCatalog.signedUrls(ctx, episode.rowId, episode.territory).posterUrl : null;
  }

  @FieldResolver(() => [CatalogSubtitleTrack], { description: 'Subtitle tracks in languages the license allows, each with a signed, expiring WebVTT URL.' })
  subtitles(@Root() episode: CatalogEpisode, @Ctx() ctx: GraphQLContext): CatalogSubtitleTrack[] {
    return episode.subtitleRows.map((t) => ({ language: t.language, kind: t.kind as SubtitleKind, aiGenerated: t.aiGenerated, ...ctx.services.partnerCatalog.signedSubtitleUrl(ctx, episode.rowId, episode.territory, t.id) }));
  }

  @FieldResolver(() => [CatalogAudioTrack], { description: 'Dubbed audio tracks in languages the license allows for dubbing, each with a signed, expiring URL.' })
  audioTracks(@Root() episode: CatalogEpisode, @Ctx() ctx: GraphQLContext): CatalogAudioTrack[] {
    return episode.audioRows.map((t) => ({ language: t.language, codec: t.audioCodec, durationSeconds: t.durationSeconds, ...ctx.services.partnerCatalog.signedAudioUrl(ctx, episode.rowId, episode.territory, t.id) }));
  }
}

@Resolver(() => Episode)
export class EpisodeDistributionResolver {
  @FieldResolver(() => [String], { description: 'Territories (ISO 3166-1 alpha-2, sorted) where the episode is live now for at least one partner, as the publish gate last decided.' })
  liveTerritories(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    return requestLoader(ctx, 'episode.liveTerritories', (ids) => ctx.services.releases.liveTerritoriesOf(ctx, ids), [] as string[]).load(episode.id);
  }
}

@Resolver(() => Series)
export class SeriesDistributionResolver {
  @FieldResolver(() => [GoLiveCheckType], {
    description: 'Go-live pre-flight: per territory (licensed, served by a partner the series is released to, or with a policy pack), what would keep its episodes back once approved and released.',
  })
  goLivePreflight(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<GoLiveCheckType[]> {
    return ctx.services.goLivePreflight.forSeries(ctx, series.id);
  }

  @FieldResolver(() => [PartnerDistribution], { description: 'Per partner: the release plan and, per episode and territory, live or why not.' })
  distribution(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<PartnerDistribution[]> {
    return ctx.services.releases.distribution(ctx, series.id);
  }
}

@Resolver(() => Episode)
export class EpisodeGoLiveResolver {
  @FieldResolver(() => [GoLiveCheckType], { description: 'Go-live pre-flight of this episode: per territory, what would keep it back once approved and released.' })
  goLivePreflight(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<GoLiveCheckType[]> {
    return ctx.services.goLivePreflight.forEpisode(ctx, episode.id);
  }
}
