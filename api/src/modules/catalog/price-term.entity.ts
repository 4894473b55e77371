import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Episode } from './episode.entity';

/**
 * What one episode costs in one territory (or WORLDWIDE), optionally only within a window.
 * Coins and money may both be set; `free` excludes both. Money is in integer minor units.
 */
@Entity({ tableName: 'episode_price_term' })
@Index({ properties: ['episode', 'territory'] })
export class EpisodePriceTerm {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Episode, { deleteRule: 'cascade' })
  episode!: Episode;

  @Property({ type: 'text' })
  territory!: string;

  @Property({ type: 'boolean' })
  free: boolean = false;

  @Property({ type: 'integer', nullable: true })
  coins?: number | null;

  @Property({ type: 'text', nullable: true })
  currency?: string | null;

  @Property({ type: 'integer', nullable: true })
  amountMinor?: number | null;

  @Property({ type: 'datetime', nullable: true })
  startsAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  endsAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
