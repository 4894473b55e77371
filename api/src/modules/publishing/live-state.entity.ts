import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Whether an episode is live for a partner in a territory, as last evaluated by the publish gate,
 * with the price and content it went live with. Partner catalog reads come from here (cheap,
 * constant work per page); changes between evaluations become catalog events.
 */
@Entity({ tableName: 'episode_live_state' })
@Index({ properties: ['partnerId', 'territory', 'live', 'seriesId'] })
export class EpisodeLiveState {
  @PrimaryKey({ type: 'uuid' })
  episodeId!: string;

  @PrimaryKey({ type: 'uuid' })
  partnerId!: string;

  @PrimaryKey({ type: 'text' })
  territory!: string;

  @Property({ type: 'uuid' })
  seriesId!: string;

  @Property({ type: 'boolean' })
  live!: boolean;

  @Property({ type: 'json' })
  reasons: Array<{ code: string; message: string }> = [];

  @Property({ type: 'json', nullable: true })
  price?: Record<string, unknown> | null;

  /** Hash of what a partner shows (title, synopsis, media, subtitles): a change while live is UPDATED. */
  @Property({ type: 'text', nullable: true })
  contentKey?: string | null;

  @Property({ type: 'datetime', nullable: true })
  liveSince?: Date | null;

  @Property({ type: 'datetime' })
  evaluatedAt: Date = new Date();
}
