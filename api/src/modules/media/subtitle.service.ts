import { z } from 'zod';
import type { Episode } from '../catalog/episode.entity';
import type { Config } from '../../config';
import { BadUserInputError, ConflictError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { fieldPath } from '../../domain/field-path';
import { parseInput } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { findEpisode } from '../catalog/catalog-access';
import { languageSchema } from '../catalog/catalog-validation';
import { parseSrt, parseWebVtt } from './subtitles';
import { SubtitleDraft, SubtitleDraftOrigin } from './subtitle-draft.entity';
import { SubtitleFormat, SubtitleKind, SubtitleTrack } from './subtitle-track.entity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isId } from '../common/ids';
import { toWebVtt } from './subtitles';
import { MediaRevision } from './media-revision.entity';

/** Reasons a subtitle write is refused, as `extensions.reason`. */
export type SubtitleRefusalReason = 'SUBTITLES_EXIST' | 'DRAFT_STALE';
import { invalidateReviews } from '../review/case-invalidation';

const inputSchema = z.object({
  episodeId: z.string(),
  language: languageSchema,
  format: z.enum(SubtitleFormat),
  kind: z.enum(SubtitleKind).default(SubtitleKind.SUBTITLES),
  aiGenerated: z.boolean().default(false),
  content: z.string(),
});

export class SubtitleService {
  constructor(
    private readonly audit: AuditService,
    private readonly config: Config,
  ) {}

  /** Adds or replaces the subtitles of an episode in one language and kind, after validating every cue. */
  set(ctx: RequestContext, input: { episodeId: string; language: string; format: SubtitleFormat; kind?: SubtitleKind | null; aiGenerated?: boolean | null; content: string }): Promise<SubtitleTrack> {
    return this.write(ctx, input);
  }

  /**
   * `alsoInTransaction` runs in the track's transaction (accepting a draft removes it there).
   * `existingTrack: 'refuse'` leaves a track already in that language and kind untouched and throws
   * CONFLICT (`SUBTITLES_EXIST`) before anything changes.
   */
  private async write(
    ctx: RequestContext,
    input: { episodeId: string; language: string; format: SubtitleFormat; kind?: SubtitleKind | null; aiGenerated?: boolean | null; content: string },
    alsoInTransaction?: (tx: EntityManager) => Promise<void>,
    existingTrack: 'replace' | 'refuse' = 'replace',
    /** Where each field of `input` sits in the caller's arguments (`setSubtitles`: `input.content`; `acceptSubtitleDraft`: `content`). */
    at: (field: string) => string = (field) => fieldPath('input', field),
  ): Promise<SubtitleTrack> {
    // The file's size and syntax are refused with the other fields, in one answer (`fieldErrors`).
    const bytes = Buffer.byteLength(input.content, 'utf8');
    const parsed = bytes > this.config.subtitleMaxBytes ? undefined : input.format === SubtitleFormat.WEBVTT ? parseWebVtt(input.content) : parseSrt(input.content);
    const contentRefusal = !parsed
      ? `Subtitle files may be at most ${Math.round(this.config.subtitleMaxBytes / 1024)} KiB; this one is ${Math.ceil(bytes / 1024)} KiB.`
      : !parsed.ok
        ? parsed.problems.map((p) => `Line ${p.line}: ${p.message}`).join('\n')
        : undefined;
    const schema = contentRefusal ? inputSchema.extend({ content: z.string().refine(() => false, contentRefusal) }) : inputSchema;
    let data: z.infer<typeof inputSchema>;
    try {
      data = parseInput(schema, { ...input, kind: input.kind ?? undefined, aiGenerated: input.aiGenerated ?? undefined }, at);
    } catch (error) {
      // Each line's problem, for an editor that marks them in the file.
      if (parsed && !parsed.ok && error instanceof BadUserInputError) error.details.problems = parsed.problems;
      throw error;
    }
    if (!parsed?.ok) throw new Error('unreachable: refused content passed its schema');
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, data.episodeId, 'write', em);
    const existing = await em.findOne(SubtitleTrack, { episode, language: data.language, kind: data.kind });
    if (existing && existingTrack === 'refuse') {
      const error = new ConflictError(`The episode already has ${existing.aiGenerated ? 'AI-generated' : 'uploaded'} ${data.kind.toLowerCase().replace('_', ' ')} in ${data.language}; accept the draft with replace: true to overwrite them, or discard it.`, 'replace').because('SUBTITLES_EXIST' satisfies SubtitleRefusalReason);
      error.details.language = data.language;
      throw error;
    }
    // A WebVTT file is stored as normalised (what players get); an SRT file as given, served converted.
    const content = data.format === SubtitleFormat.WEBVTT ? parsed.webVtt : data.content;
    const track = existing ?? em.create(SubtitleTrack, { episode, language: data.language, kind: data.kind, aiGenerated: data.aiGenerated, format: data.format, content, cues: parsed.cues, cueCount: parsed.cues.length, updatedAt: new Date() });
    if (existing) em.assign(existing, { format: data.format, aiGenerated: data.aiGenerated, content, cues: parsed.cues, cueCount: parsed.cues.length });
    // One transaction: a write that fails leaves the reviews as they were.
    await em.transactional(async (tx) => {
      await this.recordTrackWrite(ctx, tx, episode, track, existing ? { cues: existing.cueCount } : null);
      await alsoInTransaction?.(tx);
    });
    return track;
  }

  /**
   * The AI subtitles awaiting the studio (transcripts and translations, see SubtitleDraft): only
   * those made for the episode's current video (or before any video); a draft of a replaced video
   * describes another cut.
   */
  async drafts(ctx: RequestContext, episodeId: string): Promise<SubtitleDraft[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    const current = await currentMediaSha256(ctx.em, episode);
    return ctx.em.find(SubtitleDraft, { episode, mediaSha256: current ? { $in: [current, null] } : null }, { orderBy: { language: 'asc', kind: 'asc', origin: 'asc' } });
  }

  /**
   * A draft of an episode the caller may write; not found otherwise — the same answer for a missing
   * id and another studio's draft, so ids of other studios' drafts cannot be probed.
   */
  private async draft(ctx: RequestContext, draftId: string, em: EntityManager): Promise<{ draft: SubtitleDraft; episode: Episode; studioId: string }> {
    const draft = isId(draftId) ? await em.findOne(SubtitleDraft, draftId) : null;
    if (!draft) throw new NotFoundError('Subtitle draft');
    let episode: Episode;
    try {
      episode = await findEpisode(ctx, draft.episode.id, 'write', em);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Subtitle draft');
      throw error;
    }
    return { draft, episode, studioId: episode.series.studio.id };
  }

  /**
   * The studio confirms a draft — a transcript or a translation — as made or corrected (`content`, a
   * WebVTT file): it becomes the episode's AI-generated track of the draft's language and kind,
   * validated like any upload, and the draft is gone. Like any new subtitles, open reviews start
   * again. Refused (DRAFT_STALE) when the draft was made for a video that is no longer current.
   */
  async acceptDraft(ctx: RequestContext, draftId: string, content?: string | null, replace?: boolean | null): Promise<SubtitleTrack> {
    const em = ctx.em.fork();
    const { draft, episode } = await this.draft(ctx, draftId, em);
    const stale = () => new ConflictError(`This draft was made for an earlier upload of the episode's video, whose timings may differ; ${draft.origin === SubtitleDraftOrigin.TRANSCRIPTION ? 'the current video is screened anew' : 'translate the track again'}.`).because('DRAFT_STALE' satisfies SubtitleRefusalReason);
    const isStale = (current: string | null) => draft.mediaSha256 != null && draft.mediaSha256 !== current;
    if (isStale(await currentMediaSha256(em, episode))) throw stale();
    const input = { episodeId: draft.episode.id, language: draft.language, format: SubtitleFormat.WEBVTT, kind: draft.kind, aiGenerated: true, content: content ?? draft.content };
    // Only the content comes from the caller (the `content` argument); the rest is the draft's, named by its `id`.
    return this.write(ctx, input, async (tx) => {
      // Checked again under the episode's row lock: a new upload may have finished meanwhile.
      await tx.getConnection().execute('select id from episode where id = ? for update', [draft.episode.id], 'all', tx.getTransactionContext());
      const rows = (await tx.getConnection().execute('select m.sha256 from episode e join media_revision m on m.id = e.current_media_id where e.id = ?', [draft.episode.id], 'all', tx.getTransactionContext())) as Array<{ sha256: string }>;
      if (isStale(rows[0]?.sha256 ?? null)) throw stale();
      if (!(await tx.nativeDelete(SubtitleDraft, { id: draft.id }))) throw new NotFoundError('Subtitle draft');
    }, replace ? 'replace' : 'refuse', (field) => (field === 'content' ? 'content' : 'id'));
  }

  /** The studio discards a draft; nothing else changes. NOT_FOUND when it is gone (accepted or discarded meanwhile). */
  async discardDraft(ctx: RequestContext, draftId: string): Promise<boolean> {
    const em = ctx.em.fork();
    const { draft, studioId } = await this.draft(ctx, draftId, em);
    await em.transactional(async (tx) => {
      // An accept of the same draft at the same time may have taken it first: then there is nothing to discard.
      if (!(await tx.nativeDelete(SubtitleDraft, { id: draft.id }))) throw new NotFoundError('Subtitle draft');
      this.audit.record(ctx, tx, { action: 'subtitles.draft_discard', organizationId: studioId, subjectType: 'Episode', subjectId: draft.episode.id, summary: { language: draft.language, kind: draft.kind, origin: draft.origin, cues: draft.cueCount, model: draft.model } });
    });
    return true;
  }

  /**
   * What every write of a track does in its transaction: the episode's reviews lapse (subtitles are
   * reviewed material) and the change is audited. Shared by `set` and accepting a draft.
   */
  async recordTrackWrite(ctx: RequestContext, tx: EntityManager, episode: Episode, track: SubtitleTrack, before: { cues: number } | null, action?: string): Promise<void> {
    await invalidateReviews(tx, { episodeIds: [episode.id] }, `Subtitles (${track.language}) changed.`);
    this.audit.record(ctx, tx, {
      action: action ?? (before ? 'subtitles.replace' : 'subtitles.add'),
      organizationId: episode.series.studio.id,
      subjectType: 'Episode',
      subjectId: episode.id,
      summary: { language: track.language, kind: track.kind, aiGenerated: track.aiGenerated, format: track.format, cues: track.cueCount, before: before ?? {} },
    });
  }

  async remove(ctx: RequestContext, episodeId: string, language: string, kind: SubtitleKind = SubtitleKind.SUBTITLES): Promise<boolean> {
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, episodeId, 'write', em);
    const track = await em.findOne(SubtitleTrack, { episode, language: parseInput(languageSchema, language, 'language'), kind });
    if (!track) throw new NotFoundError('Subtitles in that language');
    await em.transactional(async (tx) => {
      await invalidateReviews(tx, { episodeIds: [episode.id] }, `Subtitles (${track.language}) were removed.`);
      this.audit.record(ctx, tx, { action: 'subtitles.remove', organizationId: episode.series.studio.id, subjectType: 'Episode', subjectId: episode.id, summary: { language: track.language, kind: track.kind } });
      tx.remove(track);
    });
    return true;
  }

  async list(ctx: RequestContext, episodeId: string): Promise<SubtitleTrack[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    // `content` is lazy (tracks are often listed without it) but part of the track's type.
    return ctx.em.find(SubtitleTrack, { episode }, { orderBy: { language: 'asc', kind: 'asc' }, populate: ['content'] });
  }

  /** One track as WebVTT, for the studio's and the reviewers' players (whoever may read the episode). */
  async webVtt(ctx: RequestContext, trackId: string): Promise<string> {
    const track = isId(trackId) ? await ctx.em.findOne(SubtitleTrack, trackId, { populate: ['content'] }) : null;
    if (!track) throw new NotFoundError('Subtitles');
    await findEpisode(ctx, track.episode.id, 'read');
    return toWebVtt(track.format, track.content);
  }
}

/**
 * The one way AI subtitles reach the studio: as a draft in the caller's transaction, replacing an
 * earlier draft of the same language, kind and origin (a new transcript or translation supersedes
 * the old one). Nothing partners or reviews see changes until an editor accepts it.
 */
export async function offerSubtitleDraft(
  tx: EntityManager,
  draft: { episode: Episode; language: string; kind: SubtitleKind; origin: SubtitleDraftOrigin; sourceLanguage: string | null; content: string; cues: SubtitleDraft['cues']; mediaSha256: string | null; model: string; reviewCaseId: string | null },
): Promise<SubtitleDraft> {
  await tx.nativeDelete(SubtitleDraft, { episode: draft.episode, language: draft.language, kind: draft.kind, origin: draft.origin });
  return tx.create(SubtitleDraft, { ...draft, cueCount: draft.cues.length, createdAt: new Date() });
}

/** The sha256 of the episode's current media, or null before the first upload. */
export async function currentMediaSha256(em: EntityManager, episode: Episode): Promise<string | null> {
  if (!episode.currentMedia) return null;
  return (await em.findOne(MediaRevision, episode.currentMedia.id))?.sha256 ?? null;
}
