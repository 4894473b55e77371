import { Entity, Enum, OneToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { TextArrayType } from '../../db/text-array-type';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AiContentElement } from '../ai-disclosure/ai-content';
import '../ai-disclosure/ai-content.types';
import { newId } from '../common/ids';
import { Series } from './series.entity';

export enum SourceWorkKind {
  NOVEL = 'NOVEL',
  COMIC = 'COMIC',
  GAME = 'GAME',
  FILM = 'FILM',
  ORIGINAL = 'ORIGINAL',
  OTHER = 'OTHER',
}
registerEnumType(SourceWorkKind, { name: 'SourceWorkKind' });

export enum LicenseKind {
  ORIGINAL = 'ORIGINAL',
  ADAPTATION = 'ADAPTATION',
  DISTRIBUTION = 'DISTRIBUTION',
}
registerEnumType(LicenseKind, { name: 'LicenseKind' });

@ObjectType({ description: 'A territory where the licensor keeps the rights until a date.' })
export class Holdback {
  @Field(() => String)
  territory!: string;

  @Field(() => String, { description: 'ISO 8601 date-time until which the holdback applies.' })
  until!: string;
}

/** The IP license of a series: where, when and how it may be shown. One per series. */
@ObjectType('License')
@Entity({ tableName: 'series_license' })
export class SeriesLicense {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @OneToOne(() => Series, { owner: true, unique: true, deleteRule: 'cascade' })
  series!: Series;

  @Field(() => String)
  @Property({ type: 'text' })
  sourceWorkTitle!: string;

  @Field(() => SourceWorkKind)
  @Enum({ items: () => SourceWorkKind, nativeEnumName: 'source_work_kind' })
  sourceWorkKind!: SourceWorkKind;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sourceWorkAuthor?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sourceWorkPublisher?: string | null;

  @Field(() => String, { description: 'The rights holder.' })
  @Property({ type: 'text' })
  licensor!: string;

  @Field(() => LicenseKind)
  @Enum({ items: () => LicenseKind, nativeEnumName: 'license_kind' })
  licenseKind!: LicenseKind;

  @Field(() => [String], { description: 'ISO 3166-1 alpha-2 codes, or WORLDWIDE.' })
  @Property({ type: TextArrayType })
  territoriesIncluded: string[] = [];

  @Field(() => [String])
  @Property({ type: TextArrayType })
  territoriesExcluded: string[] = [];

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  windowStart?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  windowEnd?: Date | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  exclusive: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  payPerEpisode: boolean = true;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  avod: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  svod: boolean = false;

  @Field(() => [String], { description: 'Languages the series may be subtitled in (BCP 47).' })
  @Property({ type: TextArrayType })
  subtitleLanguages: string[] = [];

  @Field(() => [String], { description: 'Languages the series may be dubbed in (BCP 47).' })
  @Property({ type: TextArrayType })
  dubLanguages: string[] = [];

  @Field(() => [Holdback])
  @Property({ type: 'json' })
  holdbacks: Holdback[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  contractReference?: string | null;

  @Field(() => Boolean, { description: 'Whether the series contains AI-generated content.' })
  @Property({ type: 'boolean' })
  aiGeneratedContent: boolean = false;

  @Field(() => String, { nullable: true, description: 'The disclosure shown where AI-generated content is used.' })
  @Property({ type: 'text', nullable: true })
  aiDisclosure?: string | null;

  @Field(() => [AiContentElement], { description: 'What was made or altered with AI in the whole series.' })
  @Property({ type: TextArrayType })
  aiElements: AiContentElement[] = [];

  @Field(() => String, { nullable: true, description: 'The visible label viewers are shown where AI-generated content is used, e.g. "AI-generated voices".' })
  @Property({ type: 'text', nullable: true })
  aiLabel?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
