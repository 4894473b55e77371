import { BigIntType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { CatalogPrice, GateReasonType } from './catalog-values.types';
import { globalId } from './global-id';

export enum CatalogEventType {
  PUBLISHED = 'PUBLISHED',
  UPDATED = 'UPDATED',
  PRICE_CHANGED = 'PRICE_CHANGED',
  TAKEN_DOWN = 'TAKEN_DOWN',
  EXPIRED = 'EXPIRED',
}
registerEnumType(CatalogEventType, { name: 'CatalogEventType' });

/** One change in what a partner may show, in one territory: the ordered feed behind `changes` and webhooks. */
@ObjectType({ description: 'A change in a partner’s live catalog.' })
@Entity({ tableName: 'catalog_event' })
@Index({ properties: ['partnerId', 'id'] })
export class CatalogEvent {
  @Field(() => ID, { description: 'Increases with every event: use it to resume the feed.' })
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  partnerId!: string;

  @Field(() => CatalogEventType)
  @Enum({ items: () => CatalogEventType, nativeEnumName: 'catalog_event_type' })
  type!: CatalogEventType;

  @Field(() => String)
  @Property({ type: 'text' })
  territory!: string;

  @Property({ type: 'uuid' })
  episodeId!: string;

  @Property({ type: 'uuid' })
  seriesId!: string;

  /** The episode, as the global id `node` and `playback` accept (in this event's territory). */
  @Field(() => ID, { name: 'episode', description: 'The episode: a global id that `node(id:)` and `playback(episodeId:)` accept, in this event’s territory.' })
  get episodeGlobalId(): string {
    return globalId('CatalogEpisode', this.episodeId, this.territory);
  }

  @Field(() => ID, { name: 'series', description: 'The series: a global id that `node(id:)` accepts, in this event’s territory.' })
  get seriesGlobalId(): string {
    return globalId('CatalogSeries', this.seriesId, this.territory);
  }

  @Field(() => Int, { nullable: true, description: 'The episode’s number in its series (null only when the episode was deleted).' })
  get episodeNumber(): number | null {
    return typeof this.data.episodeNumber === 'number' ? this.data.episodeNumber : null;
  }

  @Field(() => CatalogPrice, { nullable: true, description: 'The price in this territory from now on: set on PUBLISHED and PRICE_CHANGED, null otherwise.' })
  get price(): CatalogPrice | null {
    return (this.type === CatalogEventType.PRICE_CHANGED ? this.data.after : this.type === CatalogEventType.PUBLISHED ? this.data.price : null) as CatalogPrice | null ?? null;
  }

  @Field(() => CatalogPrice, { nullable: true, description: 'The price before a PRICE_CHANGED (null for other types).' })
  get previousPrice(): CatalogPrice | null {
    return this.type === CatalogEventType.PRICE_CHANGED ? ((this.data.before as CatalogPrice | null) ?? null) : null;
  }

  @Field(() => [GateReasonType], { description: 'Why it was withdrawn (TAKEN_DOWN, EXPIRED): every reason, each with a stable code. Empty for other types.' })
  get reasons(): GateReasonType[] {
    return Array.isArray(this.data.reasons) ? (this.data.reasons as GateReasonType[]) : [];
  }

  @Field(() => GraphQLJSONObject, { description: 'The same facts as `episodeNumber`, `price`, `previousPrice` and `reasons`, untyped.', deprecationReason: 'Use the typed fields episodeNumber, price, previousPrice and reasons.' })
  @Property({ type: 'json' })
  data: Record<string, unknown> = {};

  @Field(() => Date)
  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();
}
