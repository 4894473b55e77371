import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { newId } from '../common/ids';
import { ReviewCase } from './review-case.entity';

export enum FindingSeverity {
  INFO = 'INFO',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  BLOCKING = 'BLOCKING',
}
registerEnumType(FindingSeverity, { name: 'FindingSeverity' });

export enum FindingSource {
  DETERMINISTIC = 'DETERMINISTIC',
  TEXT_MODERATION = 'TEXT_MODERATION',
  VISUAL_MODERATION = 'VISUAL_MODERATION',
  POLICY_MODEL = 'POLICY_MODEL',
  RULES = 'RULES',
}
registerEnumType(FindingSource, { name: 'FindingSource' });

/**
 * Evidence of a finding: where to look. `kind` is SUBTITLE_CUE (with cueStart/cueEnd seconds,
 * language and text), FRAME (frameTime seconds and framePath), or METADATA (field and value).
 */
export type Evidence = Record<string, unknown> & { kind: 'SUBTITLE_CUE' | 'FRAME' | 'METADATA' | 'MEDIA' | 'LICENSE' };

@ObjectType({ description: 'One thing the screening flagged, with the rule it cites and the evidence.' })
@Entity({ tableName: 'review_finding' })
@Index({ properties: ['reviewCase', 'territory'] })
export class Finding {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => ReviewCase, { deleteRule: 'cascade' })
  reviewCase!: ReviewCase;

  @Field(() => String)
  @Property({ type: 'text' })
  territory!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  ruleId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  category!: string;

  @Field(() => FindingSeverity)
  @Enum({ items: () => FindingSeverity, nativeEnumName: 'finding_severity' })
  severity!: FindingSeverity;

  @Field(() => FindingSource)
  @Enum({ items: () => FindingSource, nativeEnumName: 'finding_source' })
  source!: FindingSource;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  evidence!: Evidence;

  @Field(() => String)
  @Property({ type: 'text' })
  explanation!: string;

  @Field(() => Number, { nullable: true, description: 'Model score 0–1 where one applies.' })
  @Property({ type: 'double', nullable: true })
  score?: number | null;
}
