import type { RequestContext } from '../../domain/request-context';
import { ACTIVE_PACKS, effectivePolicy } from '../review/policy';
import { availability } from './availability';
import { findEpisode, findSeries } from './catalog-access';
import { localizationGap, localizationOffer, type LocalizationRequirement } from './localization';

/** One territory's localization requirement and whether an episode (or every episode of a series) meets it. */
export interface LocalizationCheck {
  territory: string;
  requirement: LocalizationRequirement;
  /** Whether the license covers the territory now: where it does not, the requirement does not block yet. */
  licensed: boolean;
  satisfied: boolean;
  /** What is missing, as the publish gate will say it (null when satisfied). */
  message: string | null;
  /** Numbers of the episodes that do not meet it (series pre-flight; the episode's own number otherwise). */
  missingEpisodeNumbers: number[];
}

/** Territories whose policy requires audio or subtitles in given languages. */
const requiringTerritories = () => ACTIVE_PACKS.map((p) => p.territory).filter((t) => t !== 'GLOBAL' && effectivePolicy(t).localization);

/**
 * The pre-flight studios see before submitting: for each territory whose policy requires local
 * audio or subtitles, whether the episodes meet it with the tracks partners would get — the same
 * functions the publish gate uses, so the pre-flight and LOCALIZATION_MISSING never disagree.
 */
export class LocalizationService {
  async episodePreflight(ctx: RequestContext, episodeId: string): Promise<LocalizationCheck[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return this.checks(ctx, episode.series.id, [episode.id]);
  }

  async seriesPreflight(ctx: RequestContext, seriesId: string): Promise<LocalizationCheck[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    return this.checks(ctx, series.id, null);
  }

  private async checks(ctx: RequestContext, seriesId: string, episodeIds: string[] | null): Promise<LocalizationCheck[]> {
    const rows = (await ctx.em.getConnection().execute(
      `select e.id, e.number, s.original_language, l.subtitle_languages, l.dub_languages, l.territories_included, l.territories_excluded, l.window_start, l.window_end, l.holdbacks,
              coalesce((select json_agg(json_build_object('language', t.language, 'kind', t.kind)) from subtitle_track t where t.episode_id = e.id), '[]') as subtitles,
              coalesce((select json_agg(json_build_object('language', a.language)) from audio_track a where a.episode_id = e.id), '[]') as dubs
       from episode e join series s on s.id = e.series_id left join series_license l on l.series_id = s.id
       where e.series_id = ?${episodeIds ? ' and e.id = any(?::uuid[])' : ''} order by e.number`,
      episodeIds ? [seriesId, `{${episodeIds.join(',')}}`] : [seriesId],
    )) as Array<{ id: string; number: number; original_language: string; subtitle_languages: string[] | null; dub_languages: string[] | null; territories_included: string[] | null; territories_excluded: string[] | null; window_start: Date | null; window_end: Date | null; holdbacks: Array<{ territory: string; until: string }> | null; subtitles: Array<{ language: string; kind: string }>; dubs: Array<{ language: string }> }>;
    const now = new Date();
    const first = rows[0];
    const license = first?.territories_included
      ? { territoriesIncluded: first.territories_included, territoriesExcluded: first.territories_excluded ?? [], windowStart: first.window_start ? new Date(first.window_start) : null, windowEnd: first.window_end ? new Date(first.window_end) : null, holdbacks: first.holdbacks ?? [] }
      : null;
    return requiringTerritories().map((territory) => {
      const requirement = effectivePolicy(territory).localization!;
      let message: string | null = null;
      const missing: number[] = [];
      for (const row of rows) {
        const gap = localizationGap(requirement, localizationOffer({ originalLanguage: row.original_language, subtitles: row.subtitles, licensedSubtitleLanguages: row.subtitle_languages ?? [], dubs: row.dubs, licensedDubLanguages: row.dub_languages ?? [] }), territory);
        if (gap) {
          message ??= gap.message;
          missing.push(row.number);
        }
      }
      return { territory, requirement, licensed: availability(license, territory, now).available, satisfied: missing.length === 0, message, missingEpisodeNumbers: missing };
    });
  }
}
