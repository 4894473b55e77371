import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Opt, type Rel } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { AiContentElement } from '../ai-disclosure/ai-content';
import '../ai-disclosure/ai-content.types';
import type { MediaRevision } from '../media/media-revision.entity';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Series } from './series.entity';

export enum EpisodeStatus {
  DRAFT = 'DRAFT',
  UPLOADING = 'UPLOADING',
  PROCESSING = 'PROCESSING',
  READY = 'READY',
  IN_REVIEW = 'IN_REVIEW',
  CHANGES_REQUESTED = 'CHANGES_REQUESTED',
  REJECTED = 'REJECTED',
  APPROVED = 'APPROVED',
  PUBLISHED = 'PUBLISHED',
  TAKEN_DOWN = 'TAKEN_DOWN',
}
registerEnumType(EpisodeStatus, {
  name: 'EpisodeStatus',
  description: 'DRAFT → UPLOADING → PROCESSING → READY → IN_REVIEW → CHANGES_REQUESTED | REJECTED | APPROVED → PUBLISHED | TAKEN_DOWN',
});

/** Episode numbers are unique per series; the constraint is deferrable so renumbering can swap. */
@ObjectType({ description: 'One short episode of a series.' })
@Entity({ tableName: 'episode' })
@Index({ properties: ['series', 'status'] })
export class Episode {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Series, { deleteRule: 'cascade' })
  series!: Series;

  @Field(() => Int)
  @Property({ type: 'integer' })
  number!: number;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  synopsis: string = '';

  @Field(() => [AiContentElement], { description: 'What was made or altered with AI in this episode, beyond what its series declares.' })
  @Property({ type: TextArrayType })
  aiElements: Opt<AiContentElement[]> = [];

  @Field(() => EpisodeStatus)
  @Enum({ items: () => EpisodeStatus, nativeEnumName: 'episode_status' })
  status: EpisodeStatus = EpisodeStatus.DRAFT;

  @Field(() => Int, { nullable: true, description: 'Known once media is uploaded and probed.' })
  @Property({ type: 'integer', nullable: true })
  durationSeconds?: number | null;

  /** The media reviewers and partners see; replaced only when a new upload finishes. */
  @ManyToOne(() => 'MediaRevision', { nullable: true, deleteRule: 'set null' })
  currentMedia?: Rel<MediaRevision> | null;

  @Field(() => String, { nullable: true, description: 'Why a lead took the episode down, if one did.' })
  @Property({ type: 'text', nullable: true })
  takedownReason?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the latest upload failed, if it did.' })
  @Property({ type: 'text', nullable: true })
  uploadError?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
