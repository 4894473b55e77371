import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { User } from '../user/user.entity';
import { ReviewCase } from './review-case.entity';

export enum Decision {
  APPROVE = 'APPROVE',
  REQUEST_CHANGES = 'REQUEST_CHANGES',
  REJECT = 'REJECT',
}
registerEnumType(Decision, { name: 'Decision' });

@ObjectType({ description: 'The decision in force for one territory.' })
export class TerritoryOutcome {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  territory!: string;

  @Field(() => Decision)
  decision!: Decision;

  @Field(() => Date, { description: 'When that decision was made (a four-eyes approval: when the second approval came).' })
  decidedAt!: Date;
}

/** A decision for one territory of a case, by a person or by the audited auto-approve policy. */
@ObjectType({ description: 'A decision on one territory of a case.' })
@Entity({ tableName: 'review_decision' })
@Index({ properties: ['reviewCase', 'territory'] })
export class ReviewDecision {
  [OptionalProps]?: 'pendingSecondApproval' | 'citedRuleIds' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => ReviewCase, { deleteRule: 'cascade' })
  reviewCase!: ReviewCase;

  @Field(() => String)
  @Property({ type: 'text' })
  territory!: string;

  @Field(() => Decision)
  @Enum({ items: () => Decision, nativeEnumName: 'decision' })
  decision!: Decision;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  decidedBy?: User | null;

  @Field(() => String, { description: 'Who decided: for the operator\'s people a reviewer\'s email; for the studio "Greenlight review team" (reviewers are not named to studios); or the auto-approve policy.' })
  @Property({ type: 'text' })
  actorLabel!: string;

  @Field(() => [String])
  @Property({ type: TextArrayType })
  citedRuleIds: string[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /** For four-eyes: a first approval that waits for a lead's second one. */
  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  pendingSecondApproval: boolean = false;
}
