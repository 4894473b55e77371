import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { Config } from '../../config';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../domain/errors';
import { fieldPath } from '../../domain/field-path';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, refuseRepeats } from '../../domain/validation';
import type { Logger } from '../../logger';
import { inTransaction, SUBTITLE_TRANSLATION_QUEUE } from '../../jobs/queue';
import type { AuditService } from '../audit/audit.service';
import { findEpisode } from '../catalog/catalog-access';
import { languageSchema } from '../catalog/catalog-validation';
import { isId } from '../common/ids';
import { currentMediaSha256, offerSubtitleDraft } from './subtitle.service';
import { SubtitleDraft, SubtitleDraftOrigin } from './subtitle-draft.entity';
import { SubtitleTrack } from './subtitle-track.entity';
import { SubtitleTranslation, SubtitleTranslationState } from './subtitle-translation.entity';
import { SubtitleTranslator } from './subtitle-translation';
import { webVttOf } from './webvtt';
import { parseWebVtt } from './subtitles';

/** Said of a request whose job never finished on any retry. */
export const TRANSLATION_STOPPED = 'The translation stopped before it finished (the worker running it stopped on every try). Request it again.';
/** Why translations are off, as the API and the dashboard say it. */
export const TRANSLATION_NEEDS_KEY = 'AI subtitle translation needs an OpenAI API key (OPENAI_API_KEY) on the server.';

/** Target languages per request. */
const MAX_LANGUAGES = 20;

const requestSchema = z.object({
  trackId: z.string(),
  languages: z
    .array(languageSchema)
    .min(1, 'Choose at least one language.')
    .max(MAX_LANGUAGES, `At most ${MAX_LANGUAGES} languages per request.`)
    .superRefine(refuseRepeats<string>('Languages', (tag) => tag.toLowerCase())),
});

export interface TranslationCapability {
  available: boolean;
  /** Why not, when not available. */
  unavailableReason: string | null;
}

/**
 * AI translations of subtitle tracks: an editor asks, a job per target language translates cue by
 * cue, and the result is stored — all of it or nothing — as a subtitle draft, like a transcript
 * (docs/decisions/006-ai-subtitle-drafts.md). An editor accepts it, as made or corrected, through the
 * one accept path; it then becomes an AI-generated track, reviewed like any other.
 */
export class SubtitleTranslationService {
  constructor(
    private readonly audit: AuditService,
    private readonly config: Config,
    private readonly queue: () => PgBoss | undefined,
  ) {}

  /** Whether this server can translate: it needs an OpenAI key. */
  capability(): TranslationCapability {
    return this.config.review.openai ? { available: true, unavailableReason: null } : { available: false, unavailableReason: TRANSLATION_NEEDS_KEY };
  }

  /**
   * Queues one translation of the track per language. Refused (nothing queued): without a key
   * (FORBIDDEN, reason AI_TRANSLATION_UNAVAILABLE); a bad or repeated tag, the track's own language, a
   * language that already has a track of that kind, a translated draft awaiting the editor or a
   * translation under way (BAD_USER_INPUT naming `input.languages.<i>`); a track the caller may not
   * edit (NOT_FOUND).
   */
  async request(ctx: RequestContext, input: { trackId: string; languages: string[] }): Promise<SubtitleTranslation[]> {
    const data = parseInput(requestSchema, input);
    const em = ctx.em.fork();
    const source = isId(data.trackId) ? await em.findOne(SubtitleTrack, data.trackId) : null;
    if (!source) throw new NotFoundError('Subtitles');
    const episode = await findEpisode(ctx, source.episode.id, 'write', em);
    const settings = this.config.review.openai;
    if (!settings) throw new ForbiddenError(TRANSLATION_NEEDS_KEY).because('AI_TRANSLATION_UNAVAILABLE');
    const boss = this.queue();
    if (!boss) throw new Error('The job queue is not running.');
    // Checked and queued in one transaction holding the episode's row, so requests sent at once are
    // decided one after another: the second sees the first's translation (under way, or already done
    // with its draft awaiting confirmation) instead of what stood before either.
    let requests: SubtitleTranslation[] = [];
    try {
      await em.transactional(async (tx) => {
        await tx.getConnection().execute('select id from episode where id = ? for update', [episode.id], 'all', tx.getTransactionContext());
        const tracks = await tx.find(SubtitleTrack, { episode, kind: source.kind });
        const drafted = await tx.find(SubtitleDraft, { episode, kind: source.kind, origin: SubtitleDraftOrigin.TRANSLATION });
        const underWay = await tx.find(SubtitleTranslation, { episode, kind: source.kind, state: { $in: [SubtitleTranslationState.QUEUED, SubtitleTranslationState.RUNNING] } });
        data.languages.forEach((language, i) => {
          const field = fieldPath('input', 'languages', i);
          if (language.toLowerCase() === source.language.toLowerCase()) throw new BadUserInputError(field, `The track is already in ${language}.`);
          if (tracks.some((t) => t.language.toLowerCase() === language.toLowerCase())) throw new BadUserInputError(field, `The episode already has ${source.kind.toLowerCase().replace('_', ' ')} in ${language}; edit or remove them instead.`);
          if (drafted.some((d) => d.language.toLowerCase() === language.toLowerCase())) throw new BadUserInputError(field, `A translated draft in ${language} awaits your confirmation; accept or discard it first.`);
          if (underWay.some((t) => t.language.toLowerCase() === language.toLowerCase())) throw new BadUserInputError(field, `A translation into ${language} is already under way.`);
        });
        requests = data.languages.map((language) => tx.create(SubtitleTranslation, { episode, sourceTrack: source, sourceLanguage: source.language, language, kind: source.kind, state: SubtitleTranslationState.QUEUED, requestedAt: new Date(), updatedAt: new Date() }));
        // Rows and jobs commit together: a request is never queued without its job, nor a job without its row.
        await tx.flush();
        for (const r of requests) await boss.send(SUBTITLE_TRANSLATION_QUEUE, { translationId: r.id }, { db: inTransaction(tx), singletonKey: r.id });
        this.audit.record(ctx, tx, {
          action: 'subtitles.translation.request',
          organizationId: episode.series.studio.id,
          subjectType: 'Episode',
          subjectId: episode.id,
          summary: { from: source.language, kind: source.kind, languages: data.languages, model: settings.translationModel },
        });
      });
    } catch (error) {
      // A request sent at the same time won the database's one-under-way index: name its language.
      if (!(error instanceof UniqueConstraintViolationException) || (error as { constraint?: string }).constraint !== 'subtitle_translation_one_under_way') throw error;
      const now = await ctx.em.fork().find(SubtitleTranslation, { episode: episode.id, kind: source.kind, state: { $in: [SubtitleTranslationState.QUEUED, SubtitleTranslationState.RUNNING] } });
      const i = Math.max(0, data.languages.findIndex((language) => now.some((t) => t.language.toLowerCase() === language.toLowerCase())));
      throw new BadUserInputError(fieldPath('input', 'languages', i), `A translation into ${data.languages[i]} is already under way.`);
    }
    return requests;
  }

  /**
   * The job's dead letter: the translation's job failed or expired on every retry (its worker died
   * each time), so the request, still QUEUED or RUNNING, is marked FAILED and the language can be
   * requested again. A request that finished either way is left alone.
   */
  async giveUp(rootEm: EntityManager, translationId: string, logger: Logger): Promise<void> {
    await this.markFailed(rootEm, translationId, TRANSLATION_STOPPED, logger);
  }

  /** Marks the request FAILED with `reason` unless it already finished; a DONE request is never undone. */
  private async markFailed(rootEm: EntityManager, translationId: string, reason: string, logger: Logger): Promise<SubtitleTranslationState.FAILED> {
    await rootEm.fork().nativeUpdate(SubtitleTranslation, { id: translationId, state: { $in: [SubtitleTranslationState.QUEUED, SubtitleTranslationState.RUNNING] } }, { state: SubtitleTranslationState.FAILED, failureReason: reason.slice(0, 500), updatedAt: new Date() });
    logger.warn({ translationId, reason }, 'subtitle translation failed');
    return SubtitleTranslationState.FAILED;
  }

  /** The episode's translation requests, newest first. */
  async list(ctx: RequestContext, episodeId: string): Promise<SubtitleTranslation[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return ctx.em.find(SubtitleTranslation, { episode }, { orderBy: { requestedAt: 'desc', language: 'asc' } });
  }

  /**
   * The job: translates the source track into the request's language and stores the subtitle draft
   * in one transaction with the request marked DONE — or stores nothing and marks it FAILED with the
   * reason. Safe to run again (a finished request is left alone).
   */
  async run(rootEm: EntityManager, translationId: string, logger: Logger): Promise<SubtitleTranslationState> {
    const em = rootEm.fork();
    const request = await em.findOne(SubtitleTranslation, translationId, { populate: ['sourceTrack', 'episode', 'episode.series'] });
    if (!request) return SubtitleTranslationState.FAILED;
    if (request.state === SubtitleTranslationState.DONE || request.state === SubtitleTranslationState.FAILED) return request.state;
    const fail = (reason: string) => this.markFailed(rootEm, translationId, reason, logger);
    const settings = this.config.review.openai;
    if (!settings) return fail(TRANSLATION_NEEDS_KEY);
    const source = request.sourceTrack;
    if (!source) return fail('The track to translate was removed.');
    if (!source.cues.length) return fail('The track to translate has no cues.');
    request.state = SubtitleTranslationState.RUNNING;
    await em.flush();

    let content: string;
    try {
      const texts = await new SubtitleTranslator({ apiKey: settings.apiKey, baseURL: settings.baseURL, model: settings.translationModel, timeoutMs: settings.timeoutMs }).translate(source.cues, source.language, request.language);
      content = webVttOf(source.cues.map((cue, i) => ({ start: cue.start, end: cue.end, text: texts[i]! })));
    } catch (error) {
      return fail(`Translation failed: ${(error as Error).message}`);
    }
    // Read back through the same parser as any uploaded track; timings must be the source's, cue for cue.
    const parsed = parseWebVtt(content);
    if (!parsed.ok) return fail(`The translation is not a valid track: ${parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join(' ')}`);
    const shifted = parsed.cues.findIndex((cue, i) => Math.round(cue.start * 1000) !== Math.round(source.cues[i]!.start * 1000) || Math.round(cue.end * 1000) !== Math.round(source.cues[i]!.end * 1000));
    if (parsed.cues.length !== source.cues.length || shifted >= 0) return fail('The translation did not keep every cue timing.');

    const system: RequestContext = { em, actor: { kind: 'anonymous' }, requestId: `subtitle-translation:${translationId}`, config: this.config, logger };
    let ended: SubtitleTranslationState | undefined;
    try {
      await em.transactional(async (tx) => {
        // Stored only while the request is still this run's: one marked FAILED meanwhile (its dead
        // letter, after a retry took too long) stays failed, and its language may already be asked again.
        const [row] = (await tx.getConnection().execute('select state from subtitle_translation where id = ? for update', [translationId], 'all', tx.getTransactionContext())) as Array<{ state: SubtitleTranslationState }>;
        if (row?.state !== SubtitleTranslationState.RUNNING) {
          ended = row?.state ?? SubtitleTranslationState.FAILED;
          return;
        }
        // Made for the video the source's timings describe now; a later upload makes the draft stale.
        const mediaSha256 = await currentMediaSha256(tx, request.episode);
        const draft = await offerSubtitleDraft(tx, { episode: request.episode, language: request.language, kind: request.kind, origin: SubtitleDraftOrigin.TRANSLATION, sourceLanguage: request.sourceLanguage, content: parsed.webVtt, cues: parsed.cues, mediaSha256, model: settings.translationModel, reviewCaseId: null });
        tx.assign(request, { state: SubtitleTranslationState.DONE, draft, failureReason: null });
        this.audit.record(system, tx, {
          actorLabel: 'system',
          action: 'subtitles.translation.draft',
          organizationId: request.episode.series.studio.id,
          subjectType: 'Episode',
          subjectId: request.episode.id,
          summary: { from: request.sourceLanguage, language: request.language, kind: request.kind, cues: parsed.cues.length, model: settings.translationModel },
        });
      });
    } catch (error) {
      return fail(`Storing the translation failed: ${(error as Error).message}`);
    }
    return ended ?? SubtitleTranslationState.DONE;
  }
}
