import { z } from 'zod';
import { BadUserInputError, type FieldError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { inputProblems, parseInput, refuseRepeats, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../common/pagination';
import { changes, findSeries, requireStudio } from './catalog-access';
import { genreSchema, languageSchema, territorySchema, textSchema, uniqueList } from './catalog-validation';
import type { EpisodeStatus } from './episode.entity';
import { Orientation, Series } from './series.entity';
import { invalidateReviews } from '../review/case-invalidation';

const ratingSchema = z.object({
  territory: territorySchema,
  rating: visibleText(textSchema('Rating', 40), 'Rating is required.'),
  system: textSchema('Rating system', 80).nullish(),
});

const filingSchema = z.object({
  territory: territorySchema,
  filingNumber: visibleText(textSchema('Filing number', 120), 'Filing number is required.'),
  authority: textSchema('Authority', 200).nullish(),
  issuedOn: z.iso.date({ message: 'Use an ISO date such as 2026-03-01.' }).nullish(),
});

const perTerritory = <T extends { territory: string }>(schema: z.ZodType<T>, what: string) =>
  z.array(schema).max(300).superRefine(refuseRepeats<T>(what, (x) => x.territory, ['territory']));

const seriesFields = {
  title: visibleText(z.string({ error: 'Title is required.' }).trim(), 'Title is required.').max(200, 'Title must be at most 200 characters.'),
  synopsis: textSchema('Synopsis', 5000),
  // "Drama" and "drama" are one genre to a partner filtering the catalog.
  genres: z.array(genreSchema).max(20, 'At most 20 genres.').superRefine(refuseRepeats<string>('Genres', (g) => g.toLowerCase())),
  originalLanguage: z.string({ error: 'Original language is required.' }).pipe(languageSchema),
  audioLanguages: uniqueList(languageSchema, 'Audio languages'),
  subtitleLanguages: uniqueList(languageSchema, 'Subtitle languages'),
  orientation: z.enum(Orientation),
  coverImageUrl: z.url({ protocol: /^https?$/, message: 'Cover image must be an http(s) URL.' }).max(2000).nullish(),
  maturityRatings: perTerritory(ratingSchema, 'Maturity ratings'),
  filings: perTerritory(filingSchema, 'Filings'),
  freeEpisodeCount: z.number().int('Free episodes must be a whole number.').min(0, 'Free episodes cannot be negative.').max(10_000, 'Free episodes must be at most 10,000.'),
  defaultCoinPrice: z.number().int('Default price must be a whole number of coins.').min(0, 'Default price cannot be negative.').max(1_000_000, 'Default price must be at most 1,000,000 coins.').nullish(),
};

const createSchema = z.object({
  ...seriesFields,
  synopsis: seriesFields.synopsis.default(''),
  genres: seriesFields.genres.default([]),
  audioLanguages: seriesFields.audioLanguages.default([]),
  subtitleLanguages: seriesFields.subtitleLanguages.default([]),
  orientation: seriesFields.orientation.default(Orientation.VERTICAL),
  maturityRatings: seriesFields.maturityRatings.default([]),
  filings: seriesFields.filings.default([]),
  freeEpisodeCount: seriesFields.freeEpisodeCount.default(0),
});
const updateSchema = z.object(seriesFields).partial();

export type SeriesInput = z.input<typeof createSchema>;
export type SeriesPatch = z.input<typeof updateSchema>;

const AUDITED = ['title', 'synopsis', 'genres', 'originalLanguage', 'audioLanguages', 'subtitleLanguages', 'orientation', 'coverImageUrl', 'maturityRatings', 'filings', 'freeEpisodeCount', 'defaultCoinPrice'] as const;
const snapshotOf = (s: Series) => Object.fromEntries(AUDITED.map((k) => [k, s[k]]));

export interface SeriesFilter {
  search?: string | null;
  includeArchived?: boolean | null;
  first?: number | null;
  after?: string | null;
}

export class SeriesService {
  constructor(
    private readonly audit: AuditService,
  ) {}

  /**
   * Every field of `input` that `create` (or `update`, for a `patch`) would refuse by the input's own
   * rules, at once; [] when none. Access and the stored series are checked by the write itself.
   */
  inputProblems(input: SeriesPatch, kind: 'create' | 'patch'): FieldError[] {
    return inputProblems(kind === 'create' ? createSchema : updateSchema, input);
  }

  async create(ctx: RequestContext, studioId: string, input: SeriesInput): Promise<Series> {
    requireStudio(ctx, studioId, 'write');
    const data = parseInput(createSchema, input);
    const em = ctx.em.fork();
    const series = em.create(Series, { ...data, studio: studioId, createdAt: new Date(), updatedAt: new Date() });
    this.audit.record(ctx, em, {
      action: 'series.create',
      organizationId: studioId,
      subjectType: 'Series',
      subjectId: series.id,
      summary: { after: snapshotOf(series) },
    });
    await em.flush();
    return series;
  }

  async update(ctx: RequestContext, id: string, patch: SeriesPatch): Promise<Series> {
    const em = ctx.em.fork();
    const series = await findSeries(ctx, id, 'write', em);
    const data = parseInput(updateSchema, patch);
    if (Object.keys(data).length === 0) throw new BadUserInputError('input', 'Nothing to change.');
    const before = snapshotOf(series);
    em.assign(series, data);
    const diff = changes(before, snapshotOf(series));
    if (Object.keys(diff.after).length) {
      // One transaction: a write that fails leaves the reviews as they were.
      await em.transactional(async (tx) => {
        if ('title' in diff.after || 'synopsis' in diff.after) {
          await invalidateReviews(tx, { seriesId: series.id }, `The series ${['title', 'synopsis'].filter((k) => k in diff.after).join(' and ')} changed.`);
        }
        this.audit.record(ctx, tx, { action: 'series.update', organizationId: series.studio.id, subjectType: 'Series', subjectId: series.id, summary: diff });
      });
    }
    return series;
  }

  /** Archived series leave the catalog lists but keep their episodes and history. */
  async setArchived(ctx: RequestContext, id: string, archived: boolean): Promise<Series> {
    const em = ctx.em.fork();
    const series = await findSeries(ctx, id, 'write', em);
    if (Boolean(series.archivedAt) === archived) return series;
    series.archivedAt = archived ? new Date() : null;
    this.audit.record(ctx, em, {
      action: archived ? 'series.archive' : 'series.restore',
      organizationId: series.studio.id,
      subjectType: 'Series',
      subjectId: series.id,
      summary: { title: series.title },
    });
    await em.flush();
    return series;
  }

  get(ctx: RequestContext, id: string): Promise<Series> {
    return findSeries(ctx, id, 'read');
  }

  /** Newest first; search matches the title. */
  async list(ctx: RequestContext, studioId: string, filter: SeriesFilter): Promise<Page<Series>> {
    requireStudio(ctx, studioId, 'read');
    const first = pageSize(filter.first);
    const where: Record<string, unknown> = { studio: studioId };
    if (!filter.includeArchived) where.archivedAt = null;
    const search = filter.search?.trim();
    if (search) where.title = { $ilike: `%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%` };
    const after = decodeCursor(filter.after, ['timestamp', 'uuid']);
    if (after) {
      const [createdAt, id] = after;
      where.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }];
    }
    const rows = await ctx.em.find(Series, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first + 1 });
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** Episode counts per status for many series at once (one query). */
  async statusCounts(ctx: RequestContext, seriesIds: readonly string[]): Promise<Map<string, Array<{ status: EpisodeStatus; count: number }>>> {
    const rows: Array<{ series_id: string; status: EpisodeStatus; count: number }> = seriesIds.length
      ? await ctx.em.getConnection().execute(
          `select series_id, status, count(*)::int as count from episode where series_id in (${seriesIds.map(() => '?').join(',')}) group by series_id, status order by series_id, status`,
          [...seriesIds],
        )
      : [];
    const result = new Map<string, Array<{ status: EpisodeStatus; count: number }>>(seriesIds.map((id) => [id, []]));
    for (const row of rows) result.get(row.series_id)?.push({ status: row.status, count: row.count });
    return result;
  }
}

