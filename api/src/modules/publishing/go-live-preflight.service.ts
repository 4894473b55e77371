import type { RequestContext } from '../../domain/request-context';
import { findEpisode, findSeries } from '../catalog/catalog-access';
import type { PublicationService } from './publication.service';
import type { GateReasonCode } from './publish-gate';

/** One thing that would keep episodes back in a territory, with the episodes it concerns (numbers, ascending). */
export interface GoLiveBlocker {
  code: GateReasonCode;
  message: string;
  languages?: string[];
  episodeNumbers: number[];
}

/** A territory of the pre-flight: ready when nothing but review and release stands between the episodes and partners there. */
export interface GoLiveCheck {
  territory: string;
  ready: boolean;
  blockers: GoLiveBlocker[];
}

/**
 * The go-live pre-flight on the episode and series pages: per territory, what the publish gate
 * would still hold back once reviewers approve and the studio releases (`goLiveBlockers`), grouped
 * by reason so a series of 80 episodes reads as a few lines. Readers of the series may see it.
 */
export class GoLivePreflightService {
  constructor(private readonly publication: PublicationService) {}

  async forEpisode(ctx: RequestContext, episodeId: string): Promise<GoLiveCheck[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return grouped(await this.publication.goLivePreflight(ctx.em.fork(), episode.series.id, [episode.id]));
  }

  async forSeries(ctx: RequestContext, seriesId: string): Promise<GoLiveCheck[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    return grouped(await this.publication.goLivePreflight(ctx.em.fork(), series.id, null));
  }
}

function grouped(rows: Awaited<ReturnType<PublicationService['goLivePreflight']>>): GoLiveCheck[] {
  const byTerritory = new Map<string, Map<string, GoLiveBlocker>>();
  for (const row of rows) {
    const blockers = byTerritory.get(row.territory) ?? new Map<string, GoLiveBlocker>();
    byTerritory.set(row.territory, blockers);
    for (const reason of row.blockers) {
      const key = JSON.stringify([reason.code, reason.message, reason.languages ?? null]);
      const blocker = blockers.get(key) ?? { code: reason.code, message: reason.message, ...(reason.languages ? { languages: reason.languages } : {}), episodeNumbers: [] };
      blocker.episodeNumbers.push(row.number);
      blockers.set(key, blocker);
    }
  }
  return [...byTerritory].map(([territory, blockers]) => ({ territory, ready: blockers.size === 0, blockers: [...blockers.values()] }));
}
