import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';
import { SubtitleKind, SubtitleTrack } from './subtitle-track.entity';
import { SubtitleDraft } from './subtitle-draft.entity';

export enum SubtitleTranslationState {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(SubtitleTranslationState, { name: 'SubtitleTranslationState', description: 'QUEUED, RUNNING, DONE (the subtitle draft is stored) or FAILED (nothing stored; see failureReason).' });

/** An AI translation of one subtitle track into one language; done, it has produced a subtitle draft. */
@ObjectType('SubtitleTranslation', { description: 'An AI translation of a subtitle track into one language, and its progress.' })
@Entity({ tableName: 'subtitle_translation' })
@Index({ properties: ['episode', 'requestedAt'] })
export class SubtitleTranslation {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @ManyToOne(() => SubtitleTrack, { nullable: true, deleteRule: 'set null' })
  sourceTrack?: SubtitleTrack | null;

  @Field(() => String, { description: 'BCP 47 tag of the track translated from.' })
  @Property({ type: 'text' })
  sourceLanguage!: string;

  @Field(() => String, { description: 'BCP 47 tag translated into.' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => SubtitleKind)
  @Enum({ items: () => SubtitleKind, nativeEnumName: 'subtitle_kind' })
  kind!: SubtitleKind;

  @Field(() => SubtitleTranslationState)
  @Enum({ items: () => SubtitleTranslationState, nativeEnumName: 'subtitle_translation_state' })
  state: SubtitleTranslationState = SubtitleTranslationState.QUEUED;

  @Field(() => String, { nullable: true, description: 'Why it failed (FAILED only); nothing was stored.' })
  @Property({ type: 'text', nullable: true })
  failureReason?: string | null;

  /** The draft it stored (DONE); null again once the draft is accepted or discarded. */
  @ManyToOne(() => SubtitleDraft, { nullable: true, deleteRule: 'set null' })
  draft?: SubtitleDraft | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  requestedAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
