import { z } from 'zod';
import { BadUserInputError, ConflictError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { distinctBy, parseInput, visibleText, withRulesAcrossFields } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../common/pagination';
import { changes, findEpisode, findSeries } from './catalog-access';
import { AiContentElement } from '../ai-disclosure/ai-content';
import { episodeNumberSchema, rangeEndsAfterStart, textSchema, uniqueList } from './catalog-validation';
import { Episode, EpisodeStatus } from './episode.entity';
import { invalidateReviews } from '../review/case-invalidation';
import { fieldPath } from '../../domain/field-path';

/** A series holds at most this many episodes; micro-dramas run to about 150. */
export const MAX_EPISODES_PER_SERIES = 1000;

const addSchema = withRulesAcrossFields(
  'AddEpisodesInput',
  z.object({
    fromNumber: episodeNumberSchema,
    toNumber: episodeNumberSchema,
    titleTemplate: visibleText(textSchema('Title template', 200), 'Title template is required.').default('Episode {n}'),
  }),
  [
    rangeEndsAfterStart,
    { field: 'toNumber', reads: ['fromNumber'], holds: (v) => v.toNumber - v.fromNumber < MAX_EPISODES_PER_SERIES, message: `Add at most ${MAX_EPISODES_PER_SERIES} episodes at once: the last episode is too far past the first.` },
  ],
);

const updateSchema = z
  .object({
    title: visibleText(textSchema('Title', 200), 'Title is required.'),
    synopsis: textSchema('Synopsis', 5000),
    aiElements: uniqueList(z.enum(AiContentElement), 'AI uses'),
  })
  .partial();

// One move per episode: with two, which one wins would be arbitrary.
const renumberSchema = distinctBy(z.object({ episodeId: z.string(), number: episodeNumberSchema }), 'episodeId', 'Episode')
  .min(1, 'Say which episodes to renumber.')
  .max(MAX_EPISODES_PER_SERIES);

export interface EpisodeFilter {
  status?: EpisodeStatus | null;
  numberFrom?: number | null;
  numberTo?: number | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

export class EpisodeService {
  constructor(
    private readonly audit: AuditService,
  ) {}

  /** Adds episodes fromNumber..toNumber in one go; if any number is taken, nothing is added. */
  async addRange(ctx: RequestContext, seriesId: string, input: { fromNumber: number; toNumber: number; titleTemplate?: string | null }): Promise<Episode[]> {
    const data = parseInput(addSchema, { ...input, titleTemplate: input.titleTemplate ?? undefined });
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    return em.transactional(async (tx) => {
      // Serialise additions to one series so two editors cannot race for the same numbers.
      await tx.getConnection().execute('select id from series where id = ? for update', [series.id], 'all', tx.getTransactionContext());
      const taken = await tx.find(Episode, { series, number: { $gte: data.fromNumber, $lte: data.toNumber } }, { fields: ['number'], orderBy: { number: 'asc' } });
      if (taken.length) {
        const list = taken.slice(0, 10).map((e) => e.number).join(', ');
        throw new BadUserInputError('input.fromNumber', `Episode number${taken.length > 1 ? 's' : ''} ${list}${taken.length > 10 ? '…' : ''} already exist${taken.length > 1 ? '' : 's'} in this series.`);
      }
      const existing = await tx.count(Episode, { series });
      const adding = data.toNumber - data.fromNumber + 1;
      if (existing + adding > MAX_EPISODES_PER_SERIES) {
        throw new BadUserInputError('input.toNumber', `A series holds at most ${MAX_EPISODES_PER_SERIES} episodes (it has ${existing}).`);
      }
      const episodes: Episode[] = [];
      for (let n = data.fromNumber; n <= data.toNumber; n++) {
        episodes.push(tx.create(Episode, { series, number: n, title: data.titleTemplate.replaceAll('{n}', String(n)), synopsis: '', status: EpisodeStatus.DRAFT, createdAt: new Date(), updatedAt: new Date() }));
      }
      this.audit.record(ctx, tx, {
        action: 'episode.add_range',
        organizationId: series.studio.id,
        subjectType: 'Series',
        subjectId: series.id,
        summary: { after: { fromNumber: data.fromNumber, toNumber: data.toNumber, count: adding } },
      });
      return episodes;
    });
  }

  async update(ctx: RequestContext, id: string, patch: { title?: string | null; synopsis?: string | null; aiElements?: string[] | null }): Promise<Episode> {
    const data = parseInput(updateSchema, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined)));
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, id, 'write', em);
    const before = { title: episode.title, synopsis: episode.synopsis, aiElements: episode.aiElements };
    em.assign(episode, data);
    const diff = changes(before, { title: episode.title, synopsis: episode.synopsis, aiElements: episode.aiElements });
    if (Object.keys(diff.after).length) {
      // One transaction: a write that fails leaves the reviews as they were.
      await em.transactional(async (tx) => {
        await invalidateReviews(tx, { episodeIds: [episode.id] }, `The episode's ${Object.keys(diff.after).join(' and ')} changed.`);
        this.audit.record(ctx, tx, { action: 'episode.update', organizationId: episode.series.studio.id, subjectType: 'Episode', subjectId: episode.id, summary: { number: episode.number, ...diff } });
      });
    }
    return episode;
  }

  /**
   * Gives episodes new numbers in one statement; the deferrable unique constraint lets numbers
   * swap. The final numbering must be unique, or nothing changes.
   */
  async renumber(ctx: RequestContext, seriesId: string, moves: Array<{ episodeId: string; number: number }>): Promise<Episode[]> {
    const data = parseInput(renumberSchema, moves, 'input.moves');
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    return em.transactional(async (tx) => {
      await tx.getConnection().execute('select id from series where id = ? for update', [series.id], 'all', tx.getTransactionContext());
      const all = await tx.find(Episode, { series }, { orderBy: { number: 'asc' } });
      const byId = new Map(all.map((e) => [e.id, e]));
      const finalNumbers = new Map(all.map((e) => [e.id, e.number]));
      data.forEach((move, i) => {
        if (!byId.has(move.episodeId)) throw new BadUserInputError(fieldPath('input', 'moves', i, 'episodeId'), 'No such episode in this series.');
        finalNumbers.set(move.episodeId, move.number);
      });
      const owners = new Map<number, string>();
      for (const [id, number] of finalNumbers) {
        const clash = owners.get(number);
        if (clash) {
          const index = data.findIndex((m) => m.episodeId === id || m.episodeId === clash);
          throw new BadUserInputError(fieldPath('input', 'moves', Math.max(index, 0), 'number'), `Two episodes would both be number ${number}.`);
        }
        owners.set(number, id);
      }
      const changed = data.filter((m) => byId.get(m.episodeId)!.number !== m.number);
      if (!changed.length) return all;
      const cases = changed.map(() => 'when ?::uuid then ?::int').join(' ');
      const params = changed.flatMap((m) => [m.episodeId, m.number]);
      await tx.getConnection().execute(
        `update episode set number = case id ${cases} end, updated_at = now() where id in (${changed.map(() => '?').join(',')})`,
        [...params, ...changed.map((m) => m.episodeId)],
        'run',
        tx.getTransactionContext(),
      );
      this.audit.record(ctx, tx, {
        action: 'episode.renumber',
        organizationId: series.studio.id,
        subjectType: 'Series',
        subjectId: series.id,
        summary: { before: Object.fromEntries(changed.map((m) => [m.episodeId, byId.get(m.episodeId)!.number])), after: Object.fromEntries(changed.map((m) => [m.episodeId, m.number])) },
      });
      for (const m of changed) byId.get(m.episodeId)!.number = m.number;
      tx.clear();
      return tx.find(Episode, { series: series.id }, { orderBy: { number: 'asc' } });
    }).then(async (episodes) => {
      return episodes;
    });
  }

  /** Only drafts can be deleted: anything uploaded or reviewed stays for the record. */
  async remove(ctx: RequestContext, id: string): Promise<boolean> {
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, id, 'write', em);
    if (episode.status !== EpisodeStatus.DRAFT) throw new ConflictError(`Episode ${episode.number} is ${episode.status}; only drafts can be deleted.`);
    this.audit.record(ctx, em, { action: 'episode.delete', organizationId: episode.series.studio.id, subjectType: 'Episode', subjectId: episode.id, summary: { before: { number: episode.number, title: episode.title } } });
    em.remove(episode);
    await em.flush();
    return true;
  }

  get(ctx: RequestContext, id: string): Promise<Episode> {
    return findEpisode(ctx, id, 'read');
  }

  /** In episode-number order, with cursor pagination by number. */
  async list(ctx: RequestContext, seriesId: string, filter: EpisodeFilter): Promise<Page<Episode>> {
    const series = await findSeries(ctx, seriesId, 'read');
    const first = pageSize(filter.first);
    const where: Record<string, unknown> = { series };
    const number: Record<string, number> = {};
    if (filter.numberFrom != null) number.$gte = filter.numberFrom;
    if (filter.numberTo != null) number.$lte = filter.numberTo;
    const after = decodeCursor(filter.after, ['int']);
    if (after) number.$gt = Math.max(after[0], number.$gt ?? 0);
    if (Object.keys(number).length) where.number = number;
    if (filter.status) where.status = filter.status;
    const search = filter.search?.trim();
    if (search) where.title = { $ilike: `%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%` };
    const rows = await ctx.em.find(Episode, where, { orderBy: { number: 'asc' }, limit: first + 1 });
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.number) : null };
  }
}
