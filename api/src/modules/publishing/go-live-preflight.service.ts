import type { RequestContext } from '../../domain/request-context';
import { findEpisode, findSeries } from '../catalog/catalog-access';
import type { PublicationService } from './publication.service';
import { groupPreflight, type GoLiveCheck } from './go-live';

/**
 * The go-live pre-flight on the episode and series pages: per territory, what the review's
 * deterministic checks would find and what the publish gate would still hold back once reviewers
 * approve and the studio releases, grouped by reason so a series of 80 episodes reads as a few
 * lines. Readers of the series may see it.
 */
export class GoLivePreflightService {
  constructor(private readonly publication: PublicationService) {}

  async forEpisode(ctx: RequestContext, episodeId: string): Promise<GoLiveCheck[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return groupPreflight(await this.publication.goLivePreflight(ctx.em.fork(), episode.series.id, [episode.id]));
  }

  async forSeries(ctx: RequestContext, seriesId: string): Promise<GoLiveCheck[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    return groupPreflight(await this.publication.goLivePreflight(ctx.em.fork(), series.id, null));
  }
}
