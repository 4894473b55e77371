import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';

/** Operator-wide review settings: a single row (id 1). */
@ObjectType({ description: 'How the review pipeline treats low-risk cases.' })
@Entity({ tableName: 'review_settings' })
export class ReviewSettings {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id: number = 1;

  @Field(() => Boolean, { description: 'Off by default. When on, cases CLEAR in every territory below the threshold are approved by policy.' })
  @Property({ type: 'boolean' })
  autoApproveEnabled: boolean = false;

  @Field(() => Int, { description: 'Highest risk score (0–100) that may be auto-approved.' })
  @Property({ type: 'integer' })
  autoApproveMaxRisk: number = 10;

  @Field(() => Boolean, { description: 'Whether studios see AI findings before a human has decided.' })
  @Property({ type: 'boolean' })
  studioSeesFindingsBeforeDecision: boolean = false;

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
