import { z } from 'zod';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, refuseRepeats, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { findEpisode, findSeries } from './catalog-access';
import { textSchema } from './catalog-validation';
import type { Episode } from './episode.entity';
import { languageSchema } from './language-tags';
import { LocalizedText } from './localized-text.entity';
import type { Series } from './series.entity';
import { fieldPath } from '../../domain/field-path';

/** At most this many languages in one call; a series is rarely sold in more. */
const MAX_LANGUAGES_PER_CALL = 60;

const entrySchema = z.object({
  language: languageSchema,
  title: visibleText(z.string({ error: 'Title is required.' }).trim(), 'Title is required.').max(200, 'Title must be at most 200 characters.'),
  synopsis: textSchema('Synopsis', 5000).nullish().transform((s) => s ?? ''),
});

// Canonical tags compare exactly: "es-mx" and "es-MX" are one language, named by the repeated item.
const entriesSchema = z
  .array(entrySchema)
  .min(1, 'Give at least one language.')
  .max(MAX_LANGUAGES_PER_CALL, `At most ${MAX_LANGUAGES_PER_CALL} languages at once.`)
  .superRefine(refuseRepeats<z.infer<typeof entrySchema>>('Localizations', (e) => e.language, ['language']));

export interface LocalizedTextEntry {
  language: string;
  title: string;
  synopsis?: string | null;
}

type Target = { kind: 'series'; series: Series } | { kind: 'episode'; series: Series; episode: Episode };

/**
 * Titles and synopses of series and episodes in languages other than the original. They are
 * reviewed material: the reviewed snapshot includes them, so a change lapses the approval through
 * the publication evaluation like any reviewed text (no call here has to remember to).
 */
export class LocalizedTextService {
  constructor(private readonly audit: AuditService) {}

  /** Adds or replaces the series' texts in each given language (others stay); returns all of them. */
  async setForSeries(ctx: RequestContext, seriesId: string, entries: LocalizedTextEntry[]): Promise<LocalizedText[]> {
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    return this.set(ctx, em, { kind: 'series', series }, entries);
  }

  /** Adds or replaces the episode's texts in each given language (others stay); returns all of them. */
  async setForEpisode(ctx: RequestContext, episodeId: string, entries: LocalizedTextEntry[]): Promise<LocalizedText[]> {
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, episodeId, 'write', em);
    return this.set(ctx, em, { kind: 'episode', series: episode.series, episode }, entries);
  }

  /** Removes the series' texts in one language (NOT_FOUND when there are none); returns the rest. */
  async removeForSeries(ctx: RequestContext, seriesId: string, language: string): Promise<LocalizedText[]> {
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    return this.remove(ctx, em, { kind: 'series', series }, language);
  }

  /** Removes the episode's texts in one language (NOT_FOUND when there are none); returns the rest. */
  async removeForEpisode(ctx: RequestContext, episodeId: string, language: string): Promise<LocalizedText[]> {
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, episodeId, 'write', em);
    return this.remove(ctx, em, { kind: 'episode', series: episode.series, episode }, language);
  }

  /** The texts of a series (not its episodes'), in language order. The caller has read the series. */
  ofSeries(ctx: RequestContext, seriesId: string): Promise<LocalizedText[]> {
    return ctx.em.find(LocalizedText, { series: seriesId, episode: null }, { orderBy: { language: 'asc' } });
  }

  /** The texts of many episodes at once (one query), in language order. The caller has read the episodes. */
  async ofEpisodes(ctx: RequestContext, episodeIds: readonly string[]): Promise<Map<string, LocalizedText[]>> {
    const rows = await ctx.em.find(LocalizedText, { episode: { $in: [...episodeIds] } }, { orderBy: { language: 'asc' } });
    const result = new Map<string, LocalizedText[]>(episodeIds.map((id) => [id, []]));
    for (const row of rows) result.get(row.episode!.id)?.push(row);
    return result;
  }

  private async set(ctx: RequestContext, em: RequestContext['em'], target: Target, input: LocalizedTextEntry[]): Promise<LocalizedText[]> {
    const entries = parseInput(entriesSchema, input, 'localizations');
    const original = target.series.originalLanguage;
    entries.forEach((entry, i) => {
      if (entry.language.toLowerCase() === original.toLowerCase()) {
        throw new BadUserInputError(fieldPath('localizations', i, 'language'), `${entry.language} is the original language of the series; its texts are the ${target.kind}'s own title and synopsis.`);
      }
    });
    // Writers of one series' or episode's texts take turns (the row lock), so two requests adding
    // the same language at once both succeed, the later one's text kept, instead of one meeting the
    // unique index.
    return em.transactional(async (tx) => {
      const [table, id] = target.kind === 'series' ? ['series', target.series.id] : ['episode', target.episode.id];
      await tx.getConnection().execute(`select id from ${table} where id = ? for update`, [id], 'all', tx.getTransactionContext());
      const existing = await this.load(tx, target);
      const changed: string[] = [];
      for (const entry of entries) {
        const current = existing.find((t) => t.language === entry.language);
        if (current) {
          if (current.title === entry.title && current.synopsis === entry.synopsis) continue;
          tx.assign(current, { title: entry.title, synopsis: entry.synopsis });
        } else {
          existing.push(tx.create(LocalizedText, { series: target.series, episode: target.kind === 'episode' ? target.episode : null, language: entry.language, title: entry.title, synopsis: entry.synopsis, createdAt: new Date(), updatedAt: new Date() }));
        }
        changed.push(entry.language);
      }
      if (changed.length) {
        this.audit.record(ctx, tx, {
          action: 'localization.set',
          organizationId: target.series.studio.id,
          ...this.subject(target),
          summary: { languages: changed },
        });
        await tx.flush();
      }
      return existing.sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0));
    });
  }

  private async remove(ctx: RequestContext, em: RequestContext['em'], target: Target, languageArg: string): Promise<LocalizedText[]> {
    const language = parseInput(languageSchema, languageArg, 'language');
    const existing = await this.load(em, target);
    const text = existing.find((t) => t.language === language);
    if (!text) throw new NotFoundError(`Localized texts in ${language}`);
    em.remove(text);
    this.audit.record(ctx, em, { action: 'localization.remove', organizationId: target.series.studio.id, ...this.subject(target), summary: { language, before: { title: text.title } } });
    await em.flush();
    return existing.filter((t) => t !== text);
  }

  private load(em: RequestContext['em'], target: Target): Promise<LocalizedText[]> {
    return em.find(LocalizedText, target.kind === 'series' ? { series: target.series, episode: null } : { episode: target.episode }, { orderBy: { language: 'asc' } });
  }

  private subject(target: Target): { subjectType: string; subjectId: string } {
    return target.kind === 'series' ? { subjectType: 'Series', subjectId: target.series.id } : { subjectType: 'Episode', subjectId: target.episode.id };
  }
}
