import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors';
import { parseInput } from '../../domain/validation';
import { genreFilterSchema, languageSchema, territorySchema } from '../catalog/catalog-validation';
import { aiContentDeclaration, type AiContentDeclaration } from '../ai-disclosure/ai-content';
import type { RequestContext } from '../../domain/request-context';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../common/pagination';
import { isId } from '../common/ids';
import { CatalogEvent } from './catalog-event.entity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseGlobalId } from './global-id';
import { PartnerProfile } from './partner-profile.entity';
import { licensedLanguage, licensedTracks, textsFor, type TextsInLanguage } from '../catalog/localization';

/** Localizations of an item as read with it (JSON from the database). */
type LocalizationRows = TextsInLanguage[] | null;

export interface CatalogFilter {
  genres?: string[] | null;
  language?: string | null;
  updatedSince?: Date | null;
}

/** A series as a partner sees it in one territory. */
export interface CatalogSeriesRow {
  id: string;
  territory: string;
  title: string;
  synopsis: string;
  genres: string[];
  originalLanguage: string;
  orientation: string;
  coverImageUrl: string | null;
  maturityRating: string | null;
  filingNumber: string | null;
  licensor: string | null;
  sourceWork: { title: string; kind: string; author: string | null; publisher: string | null } | null;
  updatedAt: Date;
  aiContent: AiContentDeclaration;
  /** The BCP 47 language of `title` and `synopsis`: the localization chosen, or the original language. */
  language: string;
  /** The language the partner asked in (canonical), for the episodes read under this series. */
  requestedLanguage: string | null;
  /** The series' episodes read with it in the same statement, when the page asked for them (`catalog`'s `episodes`). */
  episodePage?: { window: EpisodeWindow; rows: CatalogEpisodeRow[] } | undefined;
}

/**
 * Which of a series' live episodes to read: the first `limit` after number `afterNumber`; dubs only
 * `withDubs` (left out, every episode's `audioTracks` is empty).
 */
export interface EpisodeWindow {
  limit: number;
  afterNumber: number;
  withDubs: boolean;
}

export interface CatalogEpisodeRow {
  id: string;
  seriesId: string;
  territory: string;
  number: number;
  title: string;
  synopsis: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  hasPoster: boolean;
  subtitleLanguages: string[];
  /** Subtitle tracks in languages the license allows (all reviewed: a live episode's approval covers its tracks). */
  subtitles: CatalogSubtitleRow[];
  /** Dubbed audio tracks in languages the license allows for dubbing (reviewed, like subtitles). */
  audioTracks: CatalogAudioRow[];
  price: { free: boolean; coins: number | null; currency: string | null; amountMinor: number | null; amount: string | null };
  aiContent: AiContentDeclaration;
  /** The BCP 47 language of `title` and `synopsis`: the localization chosen, or the series' original language. */
  language: string;
}

export interface CatalogAudioRow {
  id: string;
  language: string;
  audioCodec: string;
  durationSeconds: number;
}

export interface CatalogSubtitleRow {
  id: string;
  language: string;
  kind: string;
  aiGenerated: boolean;
}

export { globalId, parseGlobalId } from './global-id';

/**
 * Checked again at read time for the gate inputs a partner must never see through before their
 * change is evaluated: a takedown, an archived series, a suspended studio or partner, a license
 * window that has ended. (Shown material is covered by the material versions.) `e`, `s` and `x` are
 * the episode, its series and the partner's state row.
 */
const STILL_ALLOWED = (e: string, s: string, x: string) => `${e}.status <> 'TAKEN_DOWN' and ${STILL_ALLOWED_SERIES(s, `${x}.partner_id`)}`;

/**
 * The series-wide part of STILL_ALLOWED, for series `s` and the partner `partner` (a column or a
 * parameter). `license`, when given, is the series' license row already joined to `s` (a series has
 * at most one), so its window is read from that row instead of searching the licenses again.
 */
const STILL_ALLOWED_SERIES = (s: string, partner: string, license?: string) => `${s}.archived_at is null
  and not exists (select 1 from organization o where o.id in (${s}.studio_id, ${partner}) and o.suspended_at is not null)
  and ${license ? `(${license}.window_end is null or ${license}.window_end > now())` : `not exists (select 1 from series_license l where l.series_id = ${s}.id and l.window_end <= now())`}`;

/** The columns of LIVE_EPISODES_JSON's window, in LiveEpisodeColumns' order: one `json_agg` each. */
const LIVE_EPISODE_FIELDS = ['id', 'number', 'title', 'synopsis', 'current_media_id', 'price', 'ai_elements'];

/**
 * The live episodes of one series as a single JSON value: the first `limit` after `afterNumber` in
 * number order, read from the episode index and stopping there, so a page costs the episodes it
 * returns. One value per series instead of one row per episode: the series' own columns are not
 * repeated on every episode, and the driver parses one JSON text instead of a row of columns per
 * episode. The value is one array per field (see LiveEpisodeColumns), position i of each being
 * episode i: repeated key names were two thirds of the text of a page of objects, and PostgreSQL
 * turns a column into JSON once per field and series (each aggregate looks up its type once).
 *
 * What hangs off an episode (its media, subtitle tracks, localizations, dubs) is read once per series
 * for the whole window, by the window's ids, and matched to its episode by `episodeRows`: a subquery
 * per episode was an executor subplan started a thousand times a page, one per series starts fifty
 * (the benchmark's page statement fell from about 18 ms of PostgreSQL CPU to 10). Its price is the
 * gate's stored object for the territory, found by one jsonpath call. Localizations are read only
 * when a `language` is asked (the original texts need none), dubs only `withDubs` (null in their
 * place otherwise). `seriesId` and `seriesVersion` are the series' id and material version; its
 * parameters are, in order, `episodeParams`.
 */
const LIVE_EPISODES_JSON = (seriesId: string, seriesVersion: string, language: string | null, withDubs: boolean) => `(select json_build_array(
          ${LIVE_EPISODE_FIELDS.map((field) => `json_agg(ep.${field} order by ep.number)`).join(', ')},
          (select json_agg(json_build_array(m.id, m.duration_seconds, m.width, m.height, m.poster_key is not null)) from media_revision m where m.id = any(array_agg(ep.current_media_id))),
          (select json_agg(json_build_array(t.episode_id, t.id, t.language, t.kind, t.ai_generated) order by t.language, t.kind) from subtitle_track t where t.episode_id = any(array_agg(ep.id))),
          ${language ? `(select json_agg(json_build_array(t.episode_id, t.language, t.title, t.synopsis)) from localized_text t where t.episode_id = any(array_agg(ep.id)))` : 'null::json'},
          ${withDubs ? `(select json_agg(json_build_array(a.episode_id, a.id, a.language, a.audio_codec, a.duration_seconds) order by a.language) from audio_track a where a.episode_id = any(array_agg(ep.id)))` : 'null::json'})
   from (
     select e.id, e.number, e.title, e.synopsis, e.current_media_id, e.ai_elements,
            jsonb_path_query_first(x.prices, '$[*] \\? (@.territories[*] == $territory).price', jsonb_build_object('territory', ?::text)) as price
     from episode e
     join partner_episode_state x on x.episode_id = e.id and x.partner_id = ? and x.live_territories @> array[?]::text[] and x.episode_version = e.material_version and x.series_version = ${seriesVersion}
     where e.series_id = ${seriesId} and e.number > ? and e.status <> 'TAKEN_DOWN'
     order by e.number limit ?
   ) ep)`;

const episodeParams = (partnerId: string, territory: string, window: EpisodeWindow) => [territory, partnerId, territory, window.afterNumber, window.limit];

/** A price as LIVE_EPISODES_JSON gives it: the gate's stored price for the territory (`partner_episode_state.prices`). */
type LivePriceJson = CatalogEpisodeRow['price'];

/**
 * LIVE_EPISODES_JSON's value: one array per field of the window, in number order, position i of each
 * being episode i (every one null when no episode is live: an aggregate of no rows); then what the
 * window's episodes have, each row naming its episode (null when there is none, or it was not asked).
 */
type LiveEpisodeColumns = [
  ids: string[] | null,
  numbers: number[],
  titles: string[],
  synopses: string[],
  mediaIds: Array<string | null>,
  /** Live means priced in the territory (the gate holds back an episode without a price). */
  prices: LivePriceJson[],
  aiElements: string[][],
  media: Array<[id: string, durationSeconds: number | string | null, width: number | null, height: number | null, hasPoster: boolean]> | null,
  /** In language and kind order. */
  subtitleTracks: Array<[episodeId: string, id: string, language: string, kind: string, aiGenerated: boolean]> | null,
  /** Null unless a language is asked. */
  localizations: Array<[episodeId: string, language: string, title: string, synopsis: string]> | null,
  /** In language order; null without dubs. */
  audioTracks: Array<[episodeId: string, id: string, language: string, audioCodec: string, durationSeconds: number]> | null,
];

/** Rows naming their episode first, as lists per episode id (empty when there are none). */
function byEpisode<R extends [string, ...unknown[]], T>(rows: R[] | null, item: (row: R) => T): Map<string, T[]> {
  const lists = new Map<string, T[]>();
  for (const row of rows ?? []) {
    const list = lists.get(row[0]);
    if (list) list.push(item(row));
    else lists.set(row[0], [item(row)]);
  }
  return lists;
}

/** What episodes take from their series' row: its original language and its license (null: none). */
interface EpisodeSeriesColumns {
  id: string;
  original_language: string;
  license_id: string | null;
  licensed_subtitle_languages: string[] | null;
  licensed_dub_languages: string[] | null;
  ai_elements: string[] | null;
  ai_label: string | null;
  ai_disclosure: string | null;
}

/** The episodes of LIVE_EPISODES_JSON's columns for a series (none for null), with what the license allows of each. */
function episodeRows(series: EpisodeSeriesColumns, columns: LiveEpisodeColumns | null, territory: string, language: string | null): CatalogEpisodeRow[] {
  if (!columns?.[0]) return [];
  const [ids, numbers, titles, synopses, mediaIds, prices, aiElementLists, mediaRows, subtitleRows, localizationRows, audioRows] = columns;
  const media = new Map(mediaRows?.map((m) => [m[0], m]));
  const subtitleLists = byEpisode(subtitleRows, ([, id, lang, kind, aiGenerated]): CatalogSubtitleRow => ({ id, language: lang, kind, aiGenerated }));
  const localizationLists = byEpisode(localizationRows, ([, lang, title, synopsis]): TextsInLanguage => ({ language: lang, title, synopsis }));
  const audioLists = byEpisode(audioRows, ([, id, lang, audioCodec, durationSeconds]): CatalogAudioRow => ({ id, language: lang, audioCodec, durationSeconds }));
  const licensedSubtitles = series.licensed_subtitle_languages ?? [];
  const licensedDubs = series.licensed_dub_languages ?? [];
  const seriesAi = series.license_id === null ? null : { aiElements: series.ai_elements ?? [], aiLabel: series.ai_label, aiDisclosure: series.ai_disclosure };
  // Most episodes declare no AI use of their own: they share their series' declaration (answers only read it).
  const seriesDeclaration = aiContentDeclaration(seriesAi);
  const original = series.original_language;
  return ids!.map((id, i) => {
    const title = titles[i]!;
    const synopsis = synopses[i]!;
    const mediaId = mediaIds[i];
    const [, durationSeconds = null, width = null, height = null, hasPoster = false] = (mediaId && media.get(mediaId)) || [];
    const price = prices[i];
    const aiElements = aiElementLists[i]!;
    const subtitleTracks = subtitleLists.get(id);
    const audioTracks = audioLists.get(id);
    const subtitles = subtitleTracks ? licensedTracks(subtitleTracks, licensedSubtitles) : [];
    const texts = language ? textsFor({ language: original, title, synopsis }, localizationLists.get(id) ?? [], language) : null;
    return {
      id,
      seriesId: series.id,
      territory,
      number: numbers[i]!,
      title: texts ? texts.title : title,
      synopsis: texts ? texts.synopsis : synopsis,
      language: texts ? texts.language : original,
      durationSeconds: durationSeconds === null ? null : Math.round(Number(durationSeconds)),
      width,
      height,
      hasPoster,
      subtitleLanguages: subtitles.length ? [...new Set(subtitles.map((t) => t.language))] : [],
      subtitles,
      audioTracks: audioTracks ? licensedTracks(audioTracks, licensedDubs) : [],
      price: price && { free: price.free, coins: price.coins, currency: price.currency, amountMinor: price.amountMinor, amount: price.amount },
      aiContent: aiElements.length ? aiContentDeclaration(seriesAi, aiElements) : seriesDeclaration,
    };
  });
}

/**
 * What a partner's API key may read: only live episodes, in the partner's own territories, priced
 * for the territory asked. Reads the gate's stored results, so a page costs the same few
 * statements whatever its size.
 */
export class PartnerCatalogService {
  private partnerOf(ctx: RequestContext): string {
    if (ctx.actor.kind !== 'apiKey') throw ctx.authFailure ?? new UnauthenticatedError('Partner queries need a partner API key.');
    return ctx.actor.apiKey.organization.id;
  }

  /**
   * The territory must be an ISO 3166-1 alpha-2 code (BAD_USER_INPUT on `territory` otherwise, without
   * echoing what was sent) and one the partner serves (FORBIDDEN).
   */
  async requireTerritory(ctx: RequestContext, territory: string): Promise<{ partnerId: string; territory: string }> {
    const partnerId = this.partnerOf(ctx);
    const t = parseInput(territorySchema, territory, 'territory');
    const territories = await this.territoriesOf(ctx, partnerId);
    if (!territories.includes(t)) {
      throw new ForbiddenError(`Your partner account serves ${territories.join(', ') || 'no territories yet'}; ${t} is not one of them.`);
    }
    return { partnerId, territory: t };
  }

  /** The territories the partner serves now: read with its API key when the request authenticated. */
  private async territoriesOf(ctx: RequestContext, partnerId: string): Promise<string[]> {
    const read = ctx.actor.kind === 'apiKey' ? ctx.actor.apiKey.partnerTerritories : undefined;
    if (read) return read;
    return (await ctx.em.findOne(PartnerProfile, { organization: partnerId }))?.territories ?? [];
  }

  /**
   * The partner's catalog in a territory. `language` (BCP 47, optional; BAD_USER_INPUT on `language`
   * when malformed) picks the localized title and synopsis of every series and episode, falling back
   * as `textsFor` says; each item states the language it is given in. With `episodes`, each series
   * comes with that window of its live episodes (`episodePage`), read in the same statement.
   * `filter.genres` matches any of its genres as written, in any letter case (BAD_USER_INPUT on `filter.genres` past
   * MAX_FILTER_GENRES of them, on `filter.genres.<i>` for one no series could hold).
   */
  async catalog(ctx: RequestContext, territoryArg: string, first?: number | null, after?: string | null, filter: CatalogFilter = {}, languageArg?: string | null, episodes?: EpisodeWindow | null): Promise<Page<CatalogSeriesRow>> {
    const { partnerId, territory } = await this.requireTerritory(ctx, territoryArg);
    const language = this.requestedLanguage(languageArg);
    const size = pageSize(first);
    const [afterId] = decodeCursor(after, ['uuid']) ?? [];
    const originalLanguage = filter.language ? parseInput(languageSchema, filter.language, 'filter.language') : null;
    const genres = filter.genres ? parseInput(genreFilterSchema, filter.genres, 'filter.genres') : undefined;
    const rows = await this.seriesRows(ctx, partnerId, territory, { afterId, limit: size + 1, filter: { ...filter, genres, language: originalLanguage }, language, episodes });
    const nodes = rows.slice(0, size);
    return { nodes, hasNextPage: rows.length > size, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null };
  }

  /** The language a partner asks in, canonical; null when none is asked. */
  requestedLanguage(languageArg?: string | null): string | null {
    return languageArg === null || languageArg === undefined ? null : parseInput(languageSchema, languageArg, 'language');
  }

  private async seriesRows(ctx: RequestContext, partnerId: string, territory: string, q: { afterId?: string; limit: number; filter?: CatalogFilter; ids?: string[]; language: string | null; episodes?: EpisodeWindow | null }): Promise<CatalogSeriesRow[]> {
    const episodes = q.episodes ?? null;
    const params: unknown[] = [...(episodes ? [q.limit, ...episodeParams(partnerId, territory, episodes)] : []), territory, territory, partnerId, partnerId, territory];
    let where = '';
    if (q.ids) {
      where += ' and s.id = any(?::uuid[])';
      params.push(`{${q.ids.join(',')}}`);
    }
    if (q.afterId) {
      where += ' and s.id > ?';
      params.push(q.afterId);
    }
    if (q.filter?.genres?.length) {
      // Sent as JSON (a list binding would be spread into the statement), so a filter matches a genre
      // as the studio wrote it, quotes and backslashes included, with no array literal to escape. In
      // any letter case: "Drama" and "drama" are one genre (a series cannot hold both).
      where += ' and exists (select 1 from unnest(s.genres) g where lower(g) = any(array(select lower(jsonb_array_elements_text(?::jsonb)))))';
      params.push(JSON.stringify(q.filter.genres));
    }
    if (q.filter?.language) {
      where += ' and s.original_language = ?';
      params.push(q.filter.language);
    }
    if (q.filter?.updatedSince) {
      where += ' and (s.updated_at >= ? or exists (select 1 from partner_episode_state y where y.series_id = s.id and y.partner_id = ? and y.live_territories @> array[?]::text[] and y.changed_at >= ?))';
      params.push(q.filter.updatedSince, partnerId, territory, q.filter.updatedSince);
    }
    params.push(q.limit);
    // The license is read per series row (`limit 1` keeps the planner from merging the whole license
    // index from its start up to the cursor), and the series-wide conditions are checked once per
    // series rather than once per episode state, so a page costs the same wherever the cursor is.
    // The page is cut first (the inner select), so episodes are read for its series alone, and not for
    // the one read past the page to tell whether another page follows.
    const rows = (await ctx.em.getConnection().execute(
      `select page.*, ${episodes ? `case when page.ordinal < ? then ${LIVE_EPISODES_JSON('page.id', 'page.material_version', q.language, episodes.withDubs)} end` : 'null'} as episodes from (
       select s.id, s.title, s.synopsis, s.genres, s.original_language, s.orientation, s.cover_image_url, s.updated_at, s.material_version, row_number() over (order by s.id) as ordinal,
              (select r->>'rating' from jsonb_array_elements(s.maturity_ratings) r where r->>'territory' = ? limit 1) as maturity_rating,
              (select f->>'filingNumber' from jsonb_array_elements(s.filings) f where f->>'territory' = ? limit 1) as filing_number,
              l.licensor, l.source_work_title, l.source_work_kind, l.source_work_author, l.source_work_publisher,
              l.ai_elements, l.ai_label, l.ai_disclosure, l.id as license_id, l.subtitle_languages as licensed_subtitle_languages, l.dub_languages as licensed_dub_languages,
              ${q.language ? `(select json_agg(json_build_object('language', t.language, 'title', t.title, 'synopsis', t.synopsis)) from localized_text t where t.series_id = s.id and t.episode_id is null)` : 'null'} as localizations
       from series s left join lateral (select * from series_license l0 where l0.series_id = s.id limit 1) l on true
       where ${STILL_ALLOWED_SERIES('s', '?', 'l')}
         and exists (select 1 from partner_episode_state x join episode e on e.id = x.episode_id
                     where x.series_id = s.id and x.partner_id = ? and x.live_territories @> array[?]::text[] and x.series_version = s.material_version and x.episode_version = e.material_version
                       and e.status <> 'TAKEN_DOWN')${where}
       order by s.id limit ?) page
       order by page.id`,
      params,
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const texts = textsFor({ language: r.original_language as string, title: r.title as string, synopsis: r.synopsis as string }, (r.localizations as LocalizationRows) ?? [], q.language);
      return {
      id: r.id as string,
      territory,
      title: texts.title,
      synopsis: texts.synopsis,
      language: texts.language,
      requestedLanguage: q.language,
      genres: r.genres as string[],
      originalLanguage: r.original_language as string,
      orientation: r.orientation as string,
      coverImageUrl: (r.cover_image_url as string) ?? null,
      maturityRating: (r.maturity_rating as string) ?? null,
      filingNumber: (r.filing_number as string) ?? null,
      licensor: (r.licensor as string) ?? null,
      sourceWork: r.source_work_title ? { title: r.source_work_title as string, kind: r.source_work_kind as string, author: (r.source_work_author as string) ?? null, publisher: (r.source_work_publisher as string) ?? null } : null,
      updatedAt: new Date(r.updated_at as string),
      aiContent: aiContentDeclaration({ aiElements: (r.ai_elements as string[] | null) ?? [], aiLabel: r.ai_label as string | null, aiDisclosure: r.ai_disclosure as string | null }),
      // A plain property, not a spread into the literal: V8 builds an object literal that starts with a
      // spread on its slow path, property by property (about 20 µs a series, a millisecond a page).
      episodePage: episodes ? { window: episodes, rows: episodeRows(r as unknown as EpisodeSeriesColumns, r.episodes as LiveEpisodeColumns | null, territory, q.language) } : undefined,
      };
    });
  }

  /**
   * Live episodes of many series in one statement (the nested list of a catalog page when it was
   * not read with the page, and `node`): per series, the window of its live episodes that
   * LIVE_EPISODES_JSON reads.
   */
  async episodesOf(ctx: RequestContext, territory: string, seriesIds: readonly string[], first: number, afterNumber: number, language: string | null = null, withDubs = true): Promise<Map<string, CatalogEpisodeRow[]>> {
    const partnerId = this.partnerOf(ctx);
    // The page's series are looked up by id (not by scanning series for them).
    const rows = (await ctx.em.getConnection().execute(
      `select sv.id, sv.original_language, l.id as license_id, l.subtitle_languages as licensed_subtitle_languages, l.dub_languages as licensed_dub_languages,
              l.ai_elements, l.ai_label, l.ai_disclosure,
              ${LIVE_EPISODES_JSON('sv.id', 'sv.material_version', language, withDubs)} as episodes
       from unnest(?::uuid[]) as page(id)
       join series sv on sv.id = page.id
       left join series_license l on l.series_id = sv.id
       where ${STILL_ALLOWED_SERIES('sv', '?', 'l')}`,
      [...episodeParams(partnerId, territory, { limit: first, afterNumber, withDubs }), `{${seriesIds.join(',')}}`, partnerId],
    )) as Array<EpisodeSeriesColumns & { episodes: LiveEpisodeColumns | null }>;
    const result = new Map<string, CatalogEpisodeRow[]>(seriesIds.map((id) => [id, []]));
    for (const r of rows) result.set(r.id, episodeRows(r, r.episodes, territory, language));
    return result;
  }

  /**
   * `node(id)`: a series or episode, only while live for this partner in the territory of the id;
   * its texts in `language` as `catalog` gives them (ids do not depend on the language).
   */
  async node(ctx: RequestContext, id: string, languageArg?: string | null): Promise<{ kind: 'CatalogSeries'; row: CatalogSeriesRow } | { kind: 'CatalogEpisode'; row: CatalogEpisodeRow } | null> {
    const parsed = parseGlobalId(id);
    if (!parsed) throw new NotFoundError('Node');
    const { partnerId, territory } = await this.requireTerritory(ctx, parsed.territory);
    const language = this.requestedLanguage(languageArg);
    if (parsed.kind === 'CatalogSeries') {
      const [row] = await this.seriesRows(ctx, partnerId, territory, { ids: [parsed.id], limit: 1, language });
      return row ? { kind: 'CatalogSeries', row } : null;
    }
    if (parsed.kind === 'CatalogEpisode') {
      const state = await liveFor(ctx.em, parsed.id, partnerId, territory);
      if (!state) return null;
      // The series' live episodes from this one's number on, one of them: this one (numbers are unique in a series).
      const episodes = await this.episodesOf(ctx, territory, [state.seriesId], 1, state.number - 1, language);
      const row = episodes.get(state.seriesId)?.find((e) => e.id === parsed.id);
      return row ? { kind: 'CatalogEpisode', row } : null;
    }
    throw new NotFoundError('Node');
  }

  /** The ordered change feed, resumable from the last event seen. */
  async changes(ctx: RequestContext, after?: string | null, since?: Date | null, first?: number | null): Promise<Page<CatalogEvent>> {
    const partnerId = this.partnerOf(ctx);
    const size = pageSize(first);
    const [afterId] = decodeCursor(after, ['bigint']) ?? [];
    const where: Record<string, unknown> = { partnerId };
    if (afterId) where.id = { $gt: afterId };
    if (since) where.occurredAt = { $gte: since };
    const rows = await ctx.em.find(CatalogEvent, where, { orderBy: { id: 'asc' }, limit: size + 1 });
    const nodes = rows.slice(0, size);
    return { nodes, hasNextPage: rows.length > size, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : (after ?? null) };
  }

  /** A playback URL bound to partner, episode, territory and expiry, signed with the app secret. */
  async playback(ctx: RequestContext, episodeGlobalId: string, territoryArg: string): Promise<{ url: string; posterUrl: string; expiresAt: Date }> {
    const { partnerId, territory } = await this.requireTerritory(ctx, territoryArg);
    const parsed = parseGlobalId(episodeGlobalId);
    const episodeId = parsed?.kind === 'CatalogEpisode' ? parsed.id : isId(episodeGlobalId) ? episodeGlobalId : null;
    const live = episodeId ? await liveFor(ctx.em, episodeId, partnerId, territory) : null;
    if (!live) throw new NotFoundError('Episode (it is not live for you in that territory)');
    return this.signedUrls(ctx, episodeId!, territory);
  }

  /** Signs URLs for an episode already known to be live for the calling partner (no database work). */
  signedUrls(ctx: RequestContext, episodeId: string, territory: string): { url: string; posterUrl: string; expiresAt: Date } {
    const { url, expiresAt } = this.signer(ctx, episodeId, territory);
    return { url: url('video'), posterUrl: url('poster.jpg'), expiresAt };
  }

  /** A signed, expiring WebVTT URL for one subtitle track of an episode already known to be live (no database work). */
  signedSubtitleUrl(ctx: RequestContext, episodeId: string, territory: string, trackId: string): { url: string; expiresAt: Date } {
    const { url, expiresAt } = this.signer(ctx, episodeId, territory);
    return { url: url(`subtitles-${trackId}.vtt`), expiresAt };
  }

  /** A signed, expiring URL for one dub of an episode already known to be live (no database work). */
  signedAudioUrl(ctx: RequestContext, episodeId: string, territory: string, trackId: string): { url: string; expiresAt: Date } {
    const { url, expiresAt } = this.signer(ctx, episodeId, territory);
    return { url: url(`audio-${trackId}`), expiresAt };
  }

  private signer(ctx: RequestContext, episodeId: string, territory: string) {
    const partnerId = this.partnerOf(ctx);
    const expires = Math.floor(Date.now() / 1000) + ctx.config.publishing.playbackTtlSeconds;
    const url = (kind: string) => `/playback/${episodeId}/${kind}?${new URLSearchParams({ partner: partnerId, territory, expires: String(expires), signature: signPlayback(ctx.config.appSecret, episodeId, partnerId, territory, kind, expires) })}`;
    return { url, expiresAt: new Date(expires * 1000) };
  }
}

/**
 * Whether the episode is live for the partner in the territory now, as the gate last decided, for
 * exactly the material it evaluated (null: it is not; also while a change awaits re-evaluation).
 */
export async function liveFor(em: EntityManager, episodeId: string, partnerId: string, territory: string): Promise<{ seriesId: string; number: number } | null> {
  const rows = (await em.getConnection().execute(
    `select x.series_id, e.number from partner_episode_state x join episode e on e.id = x.episode_id join series s on s.id = x.series_id
     where x.episode_id = ? and x.partner_id = ? and x.live_territories @> array[?]::text[] and x.episode_version = e.material_version and x.series_version = s.material_version
       and ${STILL_ALLOWED('e', 's', 'x')}`,
    [episodeId, partnerId, territory],
    'all',
    em.getTransactionContext(),
  )) as Array<{ series_id: string; number: number }>;
  return rows[0] ? { seriesId: rows[0].series_id, number: rows[0].number } : null;
}

/**
 * A subtitle track of a live episode that a partner may still be given: it belongs to the episode
 * and its language is one the license allows now (null otherwise).
 */
export async function licensedSubtitleTrack(em: EntityManager, episodeId: string, trackId: string): Promise<{ format: string; content: string } | null> {
  const rows = (await em.getConnection().execute(
    `select t.language, t.format, t.content, coalesce(l.subtitle_languages, '{}') as allowed
     from subtitle_track t join episode e on e.id = t.episode_id left join series_license l on l.series_id = e.series_id
     where t.id = ? and t.episode_id = ?`,
    [trackId, episodeId],
    'all',
    em.getTransactionContext(),
  )) as Array<{ language: string; format: string; content: string; allowed: string[] }>;
  const row = rows[0];
  return row && licensedLanguage(row.language, row.allowed) ? { format: row.format, content: row.content } : null;
}

/** A dub of a live episode that a partner may still be given: its language is one the license allows for dubbing now (null otherwise). */
export async function licensedAudioTrack(em: EntityManager, episodeId: string, trackId: string): Promise<{ storageKey: string } | null> {
  const rows = (await em.getConnection().execute(
    `select a.language, a.storage_key, coalesce(l.dub_languages, '{}') as allowed
     from audio_track a join episode e on e.id = a.episode_id left join series_license l on l.series_id = e.series_id
     where a.id = ? and a.episode_id = ?`,
    [trackId, episodeId],
    'all',
    em.getTransactionContext(),
  )) as Array<{ language: string; storage_key: string; allowed: string[] }>;
  const row = rows[0];
  return row && licensedLanguage(row.language, row.allowed) ? { storageKey: row.storage_key } : null;
}

export function signPlayback(appSecret: string, episodeId: string, partnerId: string, territory: string, kind: string, expires: number): string {
  return createHmac('sha256', `playback:${appSecret}`).update(`${episodeId}|${partnerId}|${territory}|${kind}|${expires}`).digest('base64url');
}

export function playbackSignatureValid(appSecret: string, q: { episodeId: string; partnerId: string; territory: string; kind: string; expires: number; signature: string }): boolean {
  const expected = Buffer.from(signPlayback(appSecret, q.episodeId, q.partnerId, q.territory, q.kind, q.expires));
  const given = Buffer.from(q.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
