import { z } from 'zod';
import type { Episode } from '../catalog/episode.entity';
import type { Config } from '../../config';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { findEpisode } from '../catalog/catalog-access';
import { languageSchema } from '../catalog/catalog-validation';
import { parseSrt, parseWebVtt } from './subtitles';
import { SubtitleDraft } from './subtitle-draft.entity';
import { SubtitleFormat, SubtitleKind, SubtitleTrack } from './subtitle-track.entity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isId } from '../common/ids';
import { toWebVtt } from './webvtt';
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

  /** `alsoInTransaction` runs in the track's transaction (accepting a draft removes it there). */
  private async write(
    ctx: RequestContext,
    input: { episodeId: string; language: string; format: SubtitleFormat; kind?: SubtitleKind | null; aiGenerated?: boolean | null; content: string },
    alsoInTransaction?: (tx: EntityManager) => Promise<void>,
  ): Promise<SubtitleTrack> {
    const data = parseInput(inputSchema, { ...input, kind: input.kind ?? undefined, aiGenerated: input.aiGenerated ?? undefined });
    const bytes = Buffer.byteLength(data.content, 'utf8');
    if (bytes > this.config.subtitleMaxBytes) {
      throw new BadUserInputError('input.content', `Subtitle files may be at most ${Math.round(this.config.subtitleMaxBytes / 1024)} KiB; this one is ${Math.ceil(bytes / 1024)} KiB.`);
    }
    const parsed = data.format === SubtitleFormat.WEBVTT ? parseWebVtt(data.content) : parseSrt(data.content);
    if (!parsed.ok) {
      const error = new BadUserInputError('input.content', parsed.problems.map((p) => `Line ${p.line}: ${p.message}`).join('\n'));
      error.details.problems = parsed.problems;
      throw error;
    }
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, data.episodeId, 'write', em);
    const existing = await em.findOne(SubtitleTrack, { episode, language: data.language, kind: data.kind });
    const track = existing ?? em.create(SubtitleTrack, { episode, language: data.language, kind: data.kind, aiGenerated: data.aiGenerated, format: data.format, content: data.content, cues: parsed.cues, cueCount: parsed.cues.length, updatedAt: new Date() });
    if (existing) em.assign(existing, { format: data.format, aiGenerated: data.aiGenerated, content: data.content, cues: parsed.cues, cueCount: parsed.cues.length });
    // One transaction: a write that fails leaves the reviews as they were.
    await em.transactional(async (tx) => {
      await this.recordTrackWrite(ctx, tx, episode, track, existing ? { cues: existing.cueCount } : null);
      await alsoInTransaction?.(tx);
    });
    return track;
  }

  /** The transcripts offered to the studio as subtitle drafts (see SubtitleDraft). */
  async drafts(ctx: RequestContext, episodeId: string): Promise<SubtitleDraft[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return ctx.em.find(SubtitleDraft, { episode }, { orderBy: { language: 'asc' } });
  }

  /** A draft of an episode the caller may write; not found otherwise. */
  private async draft(ctx: RequestContext, draftId: string, em: EntityManager): Promise<{ draft: SubtitleDraft; studioId: string }> {
    const draft = isId(draftId) ? await em.findOne(SubtitleDraft, draftId) : null;
    if (!draft) throw new NotFoundError('Subtitle draft');
    const episode = await findEpisode(ctx, draft.episode.id, 'write', em);
    return { draft, studioId: episode.series.studio.id };
  }

  /**
   * The studio confirms a draft, as made or edited (`content`, a WebVTT file): it becomes the
   * episode's AI-generated SUBTITLES track in its language (replacing any), validated like any
   * upload, and the draft is gone. Like any new subtitles, open reviews start again.
   */
  async acceptDraft(ctx: RequestContext, draftId: string, content?: string | null): Promise<SubtitleTrack> {
    const { draft } = await this.draft(ctx, draftId, ctx.em.fork());
    return this.write(ctx, { episodeId: draft.episode.id, language: draft.language, format: SubtitleFormat.WEBVTT, kind: SubtitleKind.SUBTITLES, aiGenerated: true, content: content ?? draft.content }, async (tx) => {
      if (!(await tx.nativeDelete(SubtitleDraft, { id: draft.id }))) throw new NotFoundError('Subtitle draft');
    });
  }

  /** The studio discards a draft; nothing else changes. */
  async discardDraft(ctx: RequestContext, draftId: string): Promise<boolean> {
    const em = ctx.em.fork();
    const { draft, studioId } = await this.draft(ctx, draftId, em);
    await em.transactional(async (tx) => {
      await tx.nativeDelete(SubtitleDraft, { id: draft.id });
      this.audit.record(ctx, tx, { action: 'subtitles.draft_discard', organizationId: studioId, subjectType: 'Episode', subjectId: draft.episode.id, summary: { language: draft.language, cues: draft.cueCount, model: draft.model } });
    });
    return true;
  }

  /**
   * What every write of a track does in its transaction: the episode's reviews lapse (subtitles are
   * reviewed material) and the change is audited. Shared by `set` and AI translations.
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
