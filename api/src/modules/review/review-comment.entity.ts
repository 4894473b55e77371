import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { User } from '../user/user.entity';
import { ReviewCase } from './review-case.entity';

/** A reviewer's note, optionally pinned to a moment of the video. */
@ObjectType({ description: 'A comment on a case, optionally pinned to a time in the video.' })
@Entity({ tableName: 'review_comment' })
@Index({ properties: ['reviewCase', 'createdAt'] })
export class ReviewComment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => ReviewCase, { deleteRule: 'cascade' })
  reviewCase!: ReviewCase;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  author?: User | null;

  @Field(() => String)
  @Property({ type: 'text' })
  authorLabel!: string;

  @Field(() => Float, { nullable: true, description: 'Seconds into the video the comment is about.' })
  @Property({ type: 'double', nullable: true })
  atSeconds?: number | null;

  @Field(() => String)
  @Property({ type: 'text' })
  text!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
