import { Entity, OneToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { newId } from '../common/ids';
import { ReviewCase, TerritoryVerdict } from './review-case.entity';

/**
 * The AI screening of a case: exactly one per case (unique), however often the job is retried.
 * Records the provider, model, policy versions, timings and every call made (secrets redacted).
 */
@ObjectType({ description: 'What the automated screening found, and how.' })
@Entity({ tableName: 'ai_assessment' })
export class AiAssessment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @OneToOne(() => ReviewCase, { owner: true, unique: true, deleteRule: 'cascade' })
  reviewCase!: ReviewCase;

  @Field(() => String, { description: '"openai" (a model) or "rules" (built-in keyword and regex lists, not a model).' })
  @Property({ type: 'text' })
  provider!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  model?: string | null;

  @Field(() => String)
  @Property({ type: 'text' })
  policyVersion!: string;

  @Field(() => Boolean, { description: 'False when the provider failed and only deterministic checks ran.' })
  @Property({ type: 'boolean' })
  aiCompleted!: boolean;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  riskScore?: number | null;

  @Field(() => [TerritoryVerdict])
  @Property({ type: 'json' })
  verdicts: TerritoryVerdict[] = [];

  @Field(() => GraphQLJSONObject, { description: 'Calls made to the provider: request, response, status, timing, retries.' })
  @Property({ type: 'json' })
  calls: Record<string, unknown> = { entries: [] };

  @Field(() => [GraphQLJSONObject], { description: 'Keyframes sampled from the video: time in seconds and storage path.' })
  @Property({ type: 'json' })
  keyframes: Array<Record<string, unknown>> = [];

  @Field(() => Date)
  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  finishedAt!: Date;
}
