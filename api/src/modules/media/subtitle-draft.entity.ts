import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';
import { SubtitleCueType, SubtitleKind, type SubtitleCue } from './subtitle-track.entity';

/** How an AI subtitle draft was made. */
export enum SubtitleDraftOrigin {
  TRANSCRIPTION = 'TRANSCRIPTION',
  TRANSLATION = 'TRANSLATION',
}
registerEnumType(SubtitleDraftOrigin, { name: 'SubtitleDraftOrigin', description: 'TRANSCRIPTION (the screening transcribed the episode’s audio) or TRANSLATION (an editor asked for an AI translation of a track).' });

/**
 * AI-generated subtitles awaiting the studio (docs/decisions/006-ai-subtitle-drafts.md): a transcript
 * the screening made (the episode had no subtitles in its original language) or an AI translation of
 * a track. Not a subtitle track: partners, the publish gate and the reviewed material never see it
 * until an editor accepts it, as made or corrected; it then becomes an AI-generated track, reviewed
 * like any other.
 */
@ObjectType('SubtitleDraft', { description: 'AI-generated subtitles (a transcript or a translation) awaiting the studio: accept (as made or corrected) or discard; accepted, it becomes an AI-generated track reviewed like any other.' })
@Entity({ tableName: 'subtitle_draft' })
@Unique({ name: 'subtitle_draft_episode_language_kind_origin_unique', properties: ['episode', 'language', 'kind', 'origin'] })
export class SubtitleDraft {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @Field(() => String, { description: 'BCP 47 language tag of the text: the series’ original language for a transcript, the target language for a translation.' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => SubtitleKind, { description: 'The kind of track it becomes when accepted.' })
  @Enum({ items: () => SubtitleKind, nativeEnumName: 'subtitle_kind' })
  kind: SubtitleKind = SubtitleKind.SUBTITLES;

  @Field(() => SubtitleDraftOrigin)
  @Enum({ items: () => SubtitleDraftOrigin, nativeEnumName: 'subtitle_draft_origin' })
  origin: SubtitleDraftOrigin = SubtitleDraftOrigin.TRANSCRIPTION;

  @Field(() => String, { nullable: true, description: 'BCP 47 tag of the track it was translated from (TRANSLATION only).' })
  @Property({ type: 'text', nullable: true })
  sourceLanguage?: string | null;

  @Field(() => String, { description: 'The transcript as a WebVTT file.' })
  @Property({ type: 'text' })
  content!: string;

  @Field(() => [SubtitleCueType], { description: 'Cues with their timings in seconds, as the model answered them.' })
  @Property({ type: 'json' })
  cues: SubtitleCue[] = [];

  @Field(() => Int)
  @Property({ type: 'integer' })
  cueCount!: number;

  /** The video it was made for (null: a translation made before any video); a new upload makes it stale. */
  @Property({ type: 'text', nullable: true })
  mediaSha256?: string | null;

  @Field(() => String, { description: 'The model that made it, e.g. "whisper-1" or "gpt-4o-mini".' })
  @Property({ type: 'text' })
  model!: string;

  @Property({ type: 'uuid', nullable: true })
  reviewCaseId?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
