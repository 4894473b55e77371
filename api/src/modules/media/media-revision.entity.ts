import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';
import { User } from '../user/user.entity';

/**
 * One uploaded, probed video of an episode. Immutable: a new upload makes a new revision and the
 * old ones stay for the audit trail. Stored under a content-addressed key (its sha256).
 */
@ObjectType({ description: 'An immutable uploaded video of an episode, identified by its sha256.' })
@Entity({ tableName: 'media_revision' })
@Index({ properties: ['episode', 'createdAt'] })
export class MediaRevision {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @Field(() => String)
  @Property({ type: 'text' })
  sha256!: string;

  @Field(() => Float, { description: 'Bytes.' })
  @Property({ type: new BigIntType('number') })
  sizeBytes!: number;

  @Property({ type: 'text' })
  storageKey!: string;

  @Property({ type: 'text', nullable: true })
  posterKey?: string | null;

  @Field(() => String, { description: 'Original file name as uploaded.' })
  @Property({ type: 'text' })
  fileName!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  container!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  videoCodec!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  audioCodec?: string | null;

  @Field(() => Float)
  @Property({ type: 'double' })
  durationSeconds!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  width!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  height!: number;

  @Field(() => [String], { description: 'Policy warnings for the studio, e.g. not vertical or too long.' })
  @Property({ type: 'json' })
  warnings: string[] = [];

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  uploadedBy?: User | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
