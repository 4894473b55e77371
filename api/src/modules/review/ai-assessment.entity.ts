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

  @Field(() => String, { description: '"openai" (OpenAI models), "embedded" (built-in keyword and profanity rules plus a small embedded image model, no network) or "rules" (built-in keyword and regex lists only, not a model).' })
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

  @Field(() => [GraphQLJSONObject], { description: 'Keyframes sampled from the video: time in seconds, index and storage key; with the embedded image model also its scores per category (0–1), model, modelVersion, scoredAt (ISO 8601) and blurred (a territory threshold was reached: reviewers see it blurred until revealed).' })
  @Property({ type: 'json' })
  keyframes: Array<Record<string, unknown>> = [];

  @Field(() => Date)
  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  finishedAt!: Date;
}
