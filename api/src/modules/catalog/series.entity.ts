import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Organization } from '../organization/organization.entity';

export enum Orientation {
  VERTICAL = 'VERTICAL',
  HORIZONTAL = 'HORIZONTAL',
  SQUARE = 'SQUARE',
}
registerEnumType(Orientation, { name: 'Orientation', description: 'Micro-dramas are normally VERTICAL (9:16).' });

@ObjectType({ description: 'A maturity rating in one territory, e.g. US TV-14.' })
export class TerritoryRating {
  @Field(() => String)
  territory!: string;

  @Field(() => String)
  rating!: string;

  @Field(() => String, { nullable: true, description: 'Rating system, e.g. "TV Parental Guidelines".' })
  system?: string | null;
}

@ObjectType({ description: 'A regulatory filing (permit, registration or filing number) required in a territory.' })
export class RegulatoryFiling {
  @Field(() => String)
  territory!: string;

  @Field(() => String)
  filingNumber!: string;

  @Field(() => String, { nullable: true })
  authority?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date the filing was issued.' })
  issuedOn?: string | null;
}

@ObjectType({ description: "A micro-drama series in a studio's catalog." })
@Entity({ tableName: 'series' })
@Index({ properties: ['studio', 'archivedAt'] })
export class Series {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  studio!: Organization;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  synopsis: string = '';

  @Field(() => [String])
  @Property({ type: TextArrayType })
  genres: string[] = [];

  @Field(() => String, { description: 'BCP 47 language tag, e.g. "zh-Hans" or "en".' })
  @Property({ type: 'text' })
  originalLanguage!: string;

  @Field(() => [String])
  @Property({ type: TextArrayType })
  audioLanguages: string[] = [];

  @Field(() => [String])
  @Property({ type: TextArrayType })
  subtitleLanguages: string[] = [];

  @Field(() => Orientation)
  @Enum({ items: () => Orientation, nativeEnumName: 'orientation' })
  orientation: Orientation = Orientation.VERTICAL;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  coverImageUrl?: string | null;

  @Field(() => [TerritoryRating])
  @Property({ type: 'json' })
  maturityRatings: TerritoryRating[] = [];

  @Field(() => [RegulatoryFiling])
  @Property({ type: 'json' })
  filings: RegulatoryFiling[] = [];

  @Field(() => Int, { description: 'Episodes 1..N are free unless an episode price term says otherwise.' })
  @Property({ type: 'integer' })
  freeEpisodeCount: number = 0;

  @Field(() => Int, { nullable: true, description: 'Coins per episode when no price term applies.' })
  @Property({ type: 'integer', nullable: true })
  defaultCoinPrice?: number | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  archivedAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
