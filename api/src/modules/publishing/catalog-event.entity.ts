import { BigIntType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
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

  @Field(() => GraphQLJSONObject, { description: 'What changed (price, reasons, episode number…).' })
  @Property({ type: 'json' })
  data: Record<string, unknown> = {};

  @Field(() => Date)
  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();
}
