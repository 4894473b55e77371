import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Episode } from './episode.entity';
import { Series } from './series.entity';

/**
 * A series' or an episode's title and synopsis in one language other than the original. Reviewed
 * with the episode (part of its reviewed snapshot) and shown to partners who ask in that language.
 * One per language per series (`episode` null) and per episode.
 */
@ObjectType('LocalizedText', { description: 'A title and synopsis in one language (BCP 47); reviewed material like the original texts.' })
@Entity({ tableName: 'localized_text' })
@Index({ properties: ['series'] })
export class LocalizedText {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Series, { deleteRule: 'cascade' })
  series!: Series;

  /** Null for the series' own texts. */
  @ManyToOne(() => Episode, { nullable: true, deleteRule: 'cascade' })
  episode?: Episode | null;

  @Field(() => String, { description: 'BCP 47 language tag, canonical case (e.g. es-MX).' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  synopsis: string = '';

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
