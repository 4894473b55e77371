import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';
import { SubtitleCueType, type SubtitleCue } from './subtitle-track.entity';

/**
 * A transcript of an episode's dialogue made by the screening (the episode had no subtitles in its
 * original language), offered to the studio as a subtitle draft. Not a subtitle track: partners, the
 * publish gate and the reviewed material never see it until the studio accepts it.
 */
@ObjectType('SubtitleDraft', { description: 'An AI-generated transcript offered as subtitles; it needs the studio’s confirmation (accept, edit or discard) before it becomes a track.' })
@Entity({ tableName: 'subtitle_draft' })
@Unique({ properties: ['episode', 'language'] })
export class SubtitleDraft {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @Field(() => String, { description: 'BCP 47 language tag: the series’ original language.' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => String, { description: 'The transcript as a WebVTT file.' })
  @Property({ type: 'text' })
  content!: string;

  @Field(() => [SubtitleCueType], { description: 'Cues with their timings in seconds, as the model answered them.' })
  @Property({ type: 'json' })
  cues: SubtitleCue[] = [];

  @Field(() => Int)
  @Property({ type: 'integer' })
  cueCount!: number;

  /** The video the transcript was made from; a new upload makes a new draft. */
  @Property({ type: 'text' })
  mediaSha256!: string;

  @Field(() => String, { description: 'The transcription model, e.g. "whisper-1".' })
  @Property({ type: 'text' })
  model!: string;

  @Property({ type: 'uuid', nullable: true })
  reviewCaseId?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
