import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';

/** Territories that share one price (the price a partner shows there). */
export interface PriceGroup {
  territories: string[];
  price: { free: boolean; coins: number | null; currency: string | null; amountMinor: number | null; amount: string | null };
}

/** Territories where the episode is dark for the same reasons. */
export interface DarkGroup {
  territories: string[];
  reasons: Array<{ code: string; message: string }>;
}

/**
 * What the publish gate last decided for one episode and one partner: the territories it is live
 * in, its price groups and, for the others, why not. One row per episode × partner rather than per
 * territory, so a series licensed worldwide to a partner serving 200 territories stays one row per
 * episode (prices usually fall into a handful of groups). Partner reads come from here; the change
 * feed is the difference between two evaluations.
 */
@Entity({ tableName: 'partner_episode_state' })
@Index({ properties: ['partnerId', 'seriesId'] })
export class PartnerEpisodeState {
  @PrimaryKey({ type: 'uuid' })
  episodeId!: string;

  @PrimaryKey({ type: 'uuid' })
  partnerId!: string;

  @Index()
  @Property({ type: 'uuid' })
  seriesId!: string;

  /** ISO 3166-1 alpha-2 codes, sorted. */
  @Property({ type: TextArrayType, default: '{}' })
  liveTerritories: string[] = [];

  @Property({ type: 'json', default: '[]' })
  prices: PriceGroup[] = [];

  @Property({ type: 'json', default: '[]' })
  dark: DarkGroup[] = [];

  /** Hash of what a partner shows (texts, media, subtitles): a change while live is UPDATED. */
  @Property({ type: 'text', nullable: true })
  contentKey?: string | null;

  /** The episode's and series' material versions this evaluation saw; partner reads require them current. */
  @Property({ type: 'integer', default: -1 })
  episodeVersion: number = -1;

  @Property({ type: 'integer', default: -1 })
  seriesVersion: number = -1;

  /** When the episode first went live for this partner in any territory (null while dark everywhere). */
  @Property({ type: 'datetime', nullable: true })
  liveSince?: Date | null;

  /** When the live territories, prices or content last changed (the partner's `updatedSince`). */
  @Property({ type: 'datetime' })
  changedAt: Date = new Date();

  @Property({ type: 'datetime' })
  evaluatedAt: Date = new Date();
}

/** The price group a territory falls in, if the episode is live there. */
export function priceIn(state: Pick<PartnerEpisodeState, 'prices'>, territory: string): PriceGroup['price'] | null {
  return state.prices.find((g) => g.territories.includes(territory))?.price ?? null;
}
