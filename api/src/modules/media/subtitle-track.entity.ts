import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';

export enum SubtitleFormat {
  WEBVTT = 'WEBVTT',
  SRT = 'SRT',
}
registerEnumType(SubtitleFormat, { name: 'SubtitleFormat' });

export interface SubtitleCue {
  /** Seconds from the start. */
  start: number;
  end: number;
  text: string;
}

@ObjectType()
export class SubtitleCueType implements SubtitleCue {
  @Field(() => Number)
  start!: number;

  @Field(() => Number)
  end!: number;

  @Field(() => String)
  text!: string;
}

/** Subtitles of one episode in one language; review reads the cues. */
@ObjectType('SubtitleTrack', { description: 'Subtitles of an episode in one language.' })
@Entity({ tableName: 'subtitle_track' })
@Unique({ properties: ['episode', 'language'] })
export class SubtitleTrack {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @Field(() => String, { description: 'BCP 47 language tag.' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => SubtitleFormat)
  @Enum({ items: () => SubtitleFormat, nativeEnumName: 'subtitle_format' })
  format!: SubtitleFormat;

  @Field(() => String, { description: 'The file as uploaded.' })
  @Property({ type: 'text', lazy: true })
  content!: string;

  @Field(() => [SubtitleCueType])
  @Property({ type: 'json' })
  cues: SubtitleCue[] = [];

  @Field(() => Int)
  @Property({ type: 'integer' })
  cueCount!: number;

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
