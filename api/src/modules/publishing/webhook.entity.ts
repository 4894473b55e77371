import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { newId } from '../common/ids';
import { Organization } from '../organization/organization.entity';

/** A partner's URL that receives catalog events, signed per Standard Webhooks. */
@ObjectType({ description: 'Where a partner receives signed catalog events.' })
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  partner!: Organization;

  @Field(() => String)
  @Property({ type: 'text' })
  url!: string;

  /** The signing secret (`whsec_…`), encrypted with the app secret. */
  @Property({ type: 'text', lazy: true })
  secretEncrypted!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => String, { nullable: true, description: 'Why it was disabled (e.g. persistent failures).' })
  @Property({ type: 'text', nullable: true })
  disabledReason?: string | null;

  @Field(() => Int, { description: 'Deliveries that gave up in a row.' })
  @Property({ type: 'integer' })
  consecutiveFailures: number = 0;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

export enum DeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  /** Every retry failed. */
  FAILED = 'FAILED',
}
registerEnumType(DeliveryStatus, { name: 'DeliveryStatus' });

/** One event sent (or being sent) to one endpoint, with every attempt. */
@ObjectType({ description: 'A webhook delivery and its attempts.' })
@Entity({ tableName: 'webhook_delivery' })
@Index({ properties: ['endpoint', 'createdAt'] })
export class WebhookDelivery {
  /** Also the `webhook-id` header: stable across retries, so receivers can deduplicate. */
  @Field(() => ID)
  @PrimaryKey({ type: 'text' })
  id!: string;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade' })
  endpoint!: WebhookEndpoint;

  @Field(() => String)
  @Property({ type: 'text' })
  eventType!: string;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Field(() => DeliveryStatus)
  @Enum({ items: () => DeliveryStatus, nativeEnumName: 'delivery_status' })
  status: DeliveryStatus = DeliveryStatus.PENDING;

  @Field(() => [GraphQLJSONObject], { description: 'Each attempt: time, status code or error, latency.' })
  @Property({ type: 'json' })
  attempts: Array<Record<string, unknown>> = [];

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
