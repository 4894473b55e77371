import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

/**
 * Append-only: the table refuses UPDATE and DELETE (trigger in the migration).
 * Actor and subject are kept as plain ids and labels so the record outlives what it names.
 */
@ObjectType({ description: 'One recorded change or security event.' })
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['organizationId', 'occurredAt'] })
export class AuditEvent {
  /** Monotonic, so the log has one order and cursors are stable. */
  @Field(() => ID)
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();

  @Field(() => String, { description: 'e.g. `auth.sign_in`, `membership.invite`, `api_key.revoke`' })
  @Index()
  @Property({ type: 'text' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'User or API key that acted; null for anonymous events.' })
  @Property({ type: 'text', nullable: true })
  actorId?: string;

  @Field(() => String, { description: 'Who acted, readable (email, key prefix, or "anonymous").' })
  @Property({ type: 'text' })
  actorLabel!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  organizationId?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  subjectType?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  subjectId?: string;

  @Field(() => GraphQLJSONObject, { description: 'What changed: before/after values or other facts.' })
  @Property({ type: 'json' })
  summary: Record<string, unknown> = {};

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  requestId?: string;

  @Property({ type: 'text', nullable: true })
  ip?: string;
}
