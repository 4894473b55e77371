import { BigIntType, Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from '../catalog/episode.entity';
import { User } from '../user/user.entity';

/** A dubbed audio track of an episode in one language, stored under its content hash; reviewed material. */
@ObjectType('AudioTrack', { description: 'A dubbed audio track of an episode in one language.' })
@Entity({ tableName: 'audio_track' })
@Unique({ properties: ['episode', 'language'] })
export class AudioTrack {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @Field(() => String, { description: 'BCP 47 language tag of the dub.' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => String, { description: 'SHA-256 of the file (hex).' })
  @Property({ type: 'text' })
  sha256!: string;

  @Field(() => Float, { description: 'File size in bytes.' })
  @Property({ type: new BigIntType('number') })
  sizeBytes!: number;

  @Property({ type: 'text' })
  storageKey!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  fileName!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  container!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  audioCodec!: string;

  @Field(() => Float, { description: 'Duration in seconds, as probed.' })
  @Property({ type: 'double' })
  durationSeconds!: number;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  uploadedBy?: User | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
