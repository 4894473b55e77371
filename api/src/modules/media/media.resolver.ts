import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { Field, InputType } from 'type-graphql';
import { uploadPolicy } from './upload.service';
import { UPLOAD_STATUS, type UploadRefusalReason } from '../../uploads/upload-refusals';
import { Allow, CATALOG_WRITERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Episode } from '../catalog/episode.entity';
import { EpisodeUpload } from './episode-upload.entity';
import { MediaRevision } from './media-revision.entity';
import { SubtitleDraft } from './subtitle-draft.entity';
import { SubtitleFormat, SubtitleKind, SubtitleTrack } from './subtitle-track.entity';
import { AudioTrack } from './audio-track.entity';
import { dubDurationToleranceSeconds } from './audio-tracks';
import { ReplacementLoss, type ReplacementCancellationValue } from './media-replacement';
import { requestLoader } from '../catalog/loaders';

@InputType()
export class SubtitlesInput {
  @Field(() => ID)
  episodeId!: string;

  @Field(() => String, { description: 'BCP 47 language tag, e.g. "en" or "zh-Hans".' })
  language!: string;

  @Field(() => SubtitleFormat)
  format!: SubtitleFormat;

  @Field(() => SubtitleKind, { nullable: true, description: 'Default SUBTITLES. One track per language and kind; setting it again replaces that track.' })
  kind?: SubtitleKind;

  @Field(() => Boolean, { nullable: true, description: 'Whether AI generated the track (transcription or translation). Default false.' })
  aiGenerated?: boolean;

  @Field(() => String, { description: 'The whole WebVTT or SRT file (at most 1 MiB).' })
  content!: string;
}


@ObjectType({ description: 'One accepted video format.' })
class UploadFormat {
  @Field(() => String, { description: 'File extension, lowercase, without the dot (e.g. "mp4").' })
  extension!: string;

  @Field(() => [String], { description: 'Media types a file with this extension may declare (tus metadata `filetype`).' })
  mediaTypes!: string[];
}

const UploadRefusalReasons = Object.fromEntries(Object.keys(UPLOAD_STATUS).map((reason) => [reason, reason])) as { [R in UploadRefusalReason]: R };
registerEnumType(UploadRefusalReasons, {
  name: 'UploadRefusalReason',
  description: 'Why the upload endpoint (tus, at /uploads) refused a request: sent in its `Upload-Refusal-Reason` header, for clients to word the refusal.',
});

@ObjectType({ description: 'One refusal of the upload endpoint and the HTTP status it answers with.' })
class UploadRefusalRule {
  @Field(() => UploadRefusalReasons)
  reason!: UploadRefusalReason;

  @Field(() => Int)
  httpStatus!: number;
}

@ObjectType({ description: 'What an episode upload may be; uploads outside it are refused (413 or 415).' })
class UploadPolicy {
  @Field(() => Float, { description: 'Largest file, in bytes.' })
  maxBytes!: number;

  @Field(() => Int, { description: 'Longest file name, in characters (UTF-16 code units).' })
  fileNameMaxLength!: number;

  @Field(() => String, { description: 'Characters a file name may not contain, as an ECMAScript regular expression source for the `u` flag: control characters, bidirectional controls (which can disguise an extension) and slashes. A name it matches is refused (UPLOAD_METADATA_INVALID).' })
  fileNameRefusedCharacters!: string;

  @Field(() => [String], { description: 'Accepted media types, e.g. "video/mp4".' })
  acceptedTypes!: string[];

  @Field(() => [String], { description: 'Accepted file extensions, lowercase, without the dot.' })
  acceptedExtensions!: string[];

  @Field(() => [UploadFormat], { description: 'Each extension with the media types it may declare.' })
  formats!: UploadFormat[];

  @Field(() => Int, { description: 'Longest episode, in seconds.' })
  maxDurationSeconds!: number;

  @Field(() => Int, { description: 'The highest episode number a series may have (numbers start at 1): a file named for a higher one cannot go to an episode, and `addEpisodes`, renumbering, prices and release schedules refuse it.' })
  maxEpisodeNumber!: number;

  @Field(() => [UploadFormat], { description: 'Accepted dub (alternate audio) formats: an upload with the tus metadata `audioLanguage`.' })
  dubFormats!: UploadFormat[];

  @Field(() => [UploadRefusalRule], { description: 'Every reason the upload endpoint refuses with (its `Upload-Refusal-Reason` header) and its HTTP status.' })
  refusals!: UploadRefusalRule[];
}

registerEnumType(ReplacementLoss, {
  name: 'ReplacementLoss',
  description: 'What an episode has in a territory that replacing its video would undo: a review under way (IN_REVIEW), an approval (APPROVED), being live (LIVE).',
  valuesConfig: {
    IN_REVIEW: { description: 'A review for the territory is under way: replacing the video cancels it.' },
    APPROVED: { description: 'Approved for the territory: replacing the video lapses the approval.' },
    LIVE: { description: 'Live in the territory: replacing the video takes it off until it is approved again.' },
  },
});

@ObjectType({ description: 'One territory whose standing replacing the episode’s video would cancel.' })
class ReplacementCancellation implements ReplacementCancellationValue {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  territory!: string;

  @Field(() => ReplacementLoss, { description: 'The most the territory would lose.' })
  loss!: ReplacementLoss;
}

@Resolver(() => Episode)
export class EpisodeMediaResolver {
  @Allow('PUBLIC')
  @Query(() => UploadPolicy, { description: 'Accepted upload formats and limits, for clients to check a file before sending it.' })
  uploadPolicy(@Ctx() ctx: GraphQLContext): UploadPolicy {
    const refusals = (Object.entries(UPLOAD_STATUS) as Array<[UploadRefusalReason, number]>).map(([reason, httpStatus]) => ({ reason, httpStatus }));
    return { ...uploadPolicy(ctx.config), refusals };
  }

  @FieldResolver(() => MediaRevision, { nullable: true, description: 'The current media: what review and partners see.' })
  async media(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<MediaRevision | null> {
    if (!episode.currentMedia) return null;
    return ctx.em.findOne(MediaRevision, episode.currentMedia.id);
  }

  @FieldResolver(() => [ReplacementCancellation], {
    description:
      'What uploading a different video would cancel, per territory in territory order (each once, with the most it would lose): reviews under way, approvals in force, live state. Empty when the episode has none: a replacement cancels nothing. Uploading the same bytes again (the same `media.sizeBytes` and `media.sha256`) is no replacement and cancels nothing.',
  })
  replacementCancels(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<ReplacementCancellation[]> {
    return requestLoader(ctx, 'episode.replacementCancels', (ids) => ctx.services.mediaReplacement.cancelledByReplacement(ctx, ids), [] as ReplacementCancellationValue[]).load(episode.id);
  }

  @FieldResolver(() => [MediaRevision], { description: 'Every uploaded revision, newest first (kept for the audit trail).' })
  mediaRevisions(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<MediaRevision[]> {
    return ctx.services.media.revisionsOf(ctx, episode.id);
  }

  @FieldResolver(() => [EpisodeUpload], { description: 'Recent uploads with their status and any failure reason.' })
  uploads(@Root() episode: Episode, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true }) first?: number): Promise<EpisodeUpload[]> {
    return ctx.services.media.uploadsOf(ctx, episode.id, Math.min(Math.max(first ?? 5, 1), 50));
  }

  @FieldResolver(() => [SubtitleTrack])
  subtitles(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<SubtitleTrack[]> {
    return ctx.services.subtitles.list(ctx, episode.id);
  }

  @FieldResolver(() => [SubtitleDraft], { description: 'AI subtitles awaiting the studio — transcripts (the episode had none in its original language) and AI translations — made for the current video; each needs an editor to accept (as made or corrected) or discard it.' })
  subtitleDrafts(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<SubtitleDraft[]> {
    return ctx.services.subtitles.drafts(ctx, episode.id);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'How far, in seconds, a dub’s duration may differ from the current video’s (the larger of 1 s and 1 %); null without a video. Uploads outside it are refused with UPLOAD_DURATION_MISMATCH.' })
  async dubDurationToleranceSeconds(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<number | null> {
    const media = await this.media(episode, ctx);
    return media ? dubDurationToleranceSeconds(media.durationSeconds) : null;
  }

  @FieldResolver(() => [AudioTrack], { description: 'Dubbed audio tracks, one per language. Upload one through tus with the metadata audioLanguage (BCP 47).' })
  audioTracks(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<AudioTrack[]> {
    return ctx.services.media.audioTracksOf(ctx, episode.id);
  }
}

@Resolver(() => MediaRevision)
export class MediaRevisionResolver {
  @FieldResolver(() => String, { description: 'Path of the authenticated, range-capable video (relative to the API).' })
  videoUrl(@Root() revision: MediaRevision): string {
    return `/media/${revision.id}/video`;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Path of the poster frame (relative to the API).' })
  posterUrl(@Root() revision: MediaRevision): string | null {
    return revision.posterKey ? `/media/${revision.id}/poster.jpg` : null;
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => SubtitleTrack, { description: 'Adds or replaces subtitles in one language; errors name each bad line.' })
  setSubtitles(@Ctx() ctx: GraphQLContext, @Arg('input', () => SubtitlesInput) input: SubtitlesInput): Promise<SubtitleTrack> {
    return ctx.services.subtitles.set(ctx, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => SubtitleTrack, { description: 'Accepts a subtitle draft (a transcript or a translation), as made or corrected (content: a WebVTT file), as the episode’s AI-generated track of the draft’s language and kind; the draft is removed and open reviews start again. Errors name each bad line. CONFLICT `SUBTITLES_EXIST` (extensions.language) when the episode already has that track, unless `replace`; CONFLICT `DRAFT_STALE` when the draft was made for an earlier upload of the video.' })
  acceptSubtitleDraft(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('content', () => String, { nullable: true, description: 'The edited WebVTT file; the draft as made when absent.' }) content?: string,
    @Arg('replace', () => Boolean, { nullable: true, description: 'Overwrite subtitles the episode already has in the draft’s language; refused (SUBTITLES_EXIST) when absent or false.' }) replace?: boolean,
  ): Promise<SubtitleTrack> {
    return ctx.services.subtitles.acceptDraft(ctx, id, content, replace);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Boolean, { description: 'Discards a subtitle draft.' })
  discardSubtitleDraft(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.subtitles.discardDraft(ctx, id);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Boolean)
  removeSubtitles(
    @Ctx() ctx: GraphQLContext,
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('language', () => String) language: string,
    @Arg('kind', () => SubtitleKind, { nullable: true, description: 'Default SUBTITLES.' }) kind?: SubtitleKind,
  ): Promise<boolean> {
    return ctx.services.subtitles.remove(ctx, episodeId, language, kind ?? undefined);
  }
}

@Resolver(() => SubtitleDraft)
export class SubtitleDraftResolver {
  @FieldResolver(() => SubtitleFormat, { description: 'WEBVTT.' })
  format(): SubtitleFormat {
    return SubtitleFormat.WEBVTT;
  }

  @FieldResolver(() => Boolean, { description: 'Always true: made by a model (a transcript or a translation).' })
  aiGenerated(): boolean {
    return true;
  }
}

@Resolver(() => AudioTrack)
export class AudioTrackResolver {
  @FieldResolver(() => String, { description: 'Path of the authenticated, range-capable audio file, for the dashboard’s players (relative to the API; needs a session).' })
  url(@Root() track: AudioTrack): string {
    return `/media/audio/${track.id}`;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Null while the dub runs as long as the current video (within `Episode.dubDurationToleranceSeconds`); otherwise a sentence naming both durations. submitForReview refuses an episode with such a dub (DUB_DURATION_MISMATCH): upload the dub again or remove it.' })
  durationMismatch(@Root() track: AudioTrack, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    return ctx.services.media.dubMismatch(ctx, track);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => Boolean, { description: 'Removes the dub in one language (BCP 47); the episode goes back to review if it was approved.' })
  removeAudioTrack(@Ctx() ctx: GraphQLContext, @Arg('episodeId', () => ID) episodeId: string, @Arg('language', () => String) language: string): Promise<boolean> {
    return ctx.services.media.removeAudioTrack(ctx, episodeId, language);
  }
}

@Resolver(() => SubtitleTrack)
export class SubtitleTrackResolver {
  @FieldResolver(() => String, { description: 'Path of the track as WebVTT (SRT converted), for the dashboard’s players (relative to the API; needs a session).' })
  webVttUrl(@Root() track: SubtitleTrack): string {
    return `/media/subtitles/${track.id}.vtt`;
  }
}
