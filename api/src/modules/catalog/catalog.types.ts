import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AvailabilityReasonCode } from './availability';
import { Episode, EpisodeStatus } from './episode.entity';
import { LicenseKind, SourceWorkKind } from './license.entity';
import { AiContentElement } from '../ai-disclosure/ai-content';
import type { PriceRule } from './pricing';
import { Orientation } from './series.entity';

export const PriceRuleEnum = {
  TERRITORY_WINDOW: 'TERRITORY_WINDOW',
  TERRITORY: 'TERRITORY',
  WORLDWIDE_WINDOW: 'WORLDWIDE_WINDOW',
  WORLDWIDE: 'WORLDWIDE',
  FREE_EPISODES: 'FREE_EPISODES',
  SERIES_DEFAULT: 'SERIES_DEFAULT',
  NONE: 'NONE',
} as const satisfies Record<PriceRule, PriceRule>;
registerEnumType(PriceRuleEnum, { name: 'PriceRule', description: 'Which rule produced a price.' });

export const AvailabilityReasonCodeEnum = {
  NO_LICENSE: 'NO_LICENSE',
  TERRITORY_NOT_INCLUDED: 'TERRITORY_NOT_INCLUDED',
  TERRITORY_EXCLUDED: 'TERRITORY_EXCLUDED',
  WINDOW_NOT_STARTED: 'WINDOW_NOT_STARTED',
  WINDOW_ENDED: 'WINDOW_ENDED',
  HOLDBACK: 'HOLDBACK',
} as const satisfies Record<AvailabilityReasonCode, AvailabilityReasonCode>;
registerEnumType(AvailabilityReasonCodeEnum, { name: 'AvailabilityReasonCode' });

@ObjectType({ description: 'What an episode costs in a territory at a moment, and why.' })
export class EffectivePrice {
  @Field(() => String)
  territory!: string;

  @Field(() => Boolean, { description: 'False when no rule prices the episode there.' })
  priced!: boolean;

  @Field(() => Boolean)
  free!: boolean;

  @Field(() => Int, { nullable: true })
  coins!: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 code.' })
  currency!: string | null;

  @Field(() => Int, { nullable: true, description: 'Integer minor units of the currency (49 = 0.49 USD).' })
  amountMinor!: number | null;

  @Field(() => String, { nullable: true, description: 'The money as a decimal in the currency’s precision.' })
  amount!: string | null;

  @Field(() => PriceRuleEnum)
  rule!: PriceRule;

  @Field(() => String)
  explanation!: string;
}

@ObjectType()
export class EpisodePrice {
  @Field(() => Episode)
  episode!: Episode;

  @Field(() => EffectivePrice)
  price!: EffectivePrice;
}

@ObjectType({ description: 'A price set on one episode for one territory.' })
export class PriceTerm {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  episodeNumber!: number;

  @Field(() => String)
  territory!: string;

  @Field(() => Boolean)
  free!: boolean;

  @Field(() => Int, { nullable: true })
  coins!: number | null;

  @Field(() => String, { nullable: true })
  currency!: string | null;

  @Field(() => Int, { nullable: true })
  amountMinor!: number | null;

  @Field(() => Date, { nullable: true })
  startsAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt!: Date | null;
}

@ObjectType()
export class AvailabilityReason {
  @Field(() => AvailabilityReasonCodeEnum)
  code!: AvailabilityReasonCode;

  @Field(() => String)
  message!: string;
}

@ObjectType({ description: 'Whether the license allows showing the series in a territory now, with every reason.' })
export class Availability {
  @Field(() => Boolean)
  available!: boolean;

  @Field(() => [AvailabilityReason])
  reasons!: AvailabilityReason[];
}

@ObjectType()
export class EpisodeStatusCount {
  @Field(() => EpisodeStatus)
  status!: EpisodeStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class Currency {
  @Field(() => String)
  code!: string;

  @Field(() => Int, { description: 'ISO 4217 minor-unit exponent: JPY 0, USD 2, KWD 3.' })
  exponent!: number;

  @Field(() => Int, { description: 'The largest price `setEpisodePrices` takes in this currency, in minor units (`amountMinor`).' })
  maxAmountMinor!: number;
}

@InputType()
export class TerritoryRatingInput {
  @Field(() => String)
  territory!: string;

  @Field(() => String)
  rating!: string;

  @Field(() => String, { nullable: true })
  system?: string;
}

@InputType()
export class RegulatoryFilingInput {
  @Field(() => String)
  territory!: string;

  @Field(() => String)
  filingNumber!: string;

  @Field(() => String, { nullable: true })
  authority?: string;

  @Field(() => String, { nullable: true, description: 'ISO date, e.g. 2026-03-01.' })
  issuedOn?: string;
}

@InputType({ description: 'Fields of a series. On update, omitted fields stay as they are.' })
export class SeriesInput {
  @Field(() => String, { nullable: true })
  title?: string;

  @Field(() => String, { nullable: true })
  synopsis?: string;

  @Field(() => [String], { nullable: true })
  genres?: string[];

  @Field(() => String, { nullable: true, description: 'BCP 47, e.g. "zh-Hans". Required on create.' })
  originalLanguage?: string;

  @Field(() => [String], { nullable: true })
  audioLanguages?: string[];

  @Field(() => [String], { nullable: true })
  subtitleLanguages?: string[];

  @Field(() => Orientation, { nullable: true })
  orientation?: Orientation;

  @Field(() => String, { nullable: true })
  coverImageUrl?: string;

  @Field(() => [TerritoryRatingInput], { nullable: true })
  maturityRatings?: TerritoryRatingInput[];

  @Field(() => [RegulatoryFilingInput], { nullable: true })
  filings?: RegulatoryFilingInput[];

  @Field(() => Int, { nullable: true })
  freeEpisodeCount?: number;

  @Field(() => Int, { nullable: true })
  defaultCoinPrice?: number;
}

@InputType()
export class AddEpisodesInput {
  @Field(() => ID)
  seriesId!: string;

  @Field(() => Int)
  fromNumber!: number;

  @Field(() => Int)
  toNumber!: number;

  @Field(() => String, { nullable: true, description: 'Title for each episode; {n} becomes the number. Default "Episode {n}".' })
  titleTemplate?: string;
}

@InputType()
export class UpdateEpisodeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  title?: string;

  @Field(() => String, { nullable: true })
  synopsis?: string;

  @Field(() => [AiContentElement], { nullable: true, description: 'What was made or altered with AI in this episode beyond the series’ declaration; replaces the list.' })
  aiElements?: AiContentElement[];
}

@InputType()
export class EpisodeNumberMove {
  @Field(() => ID)
  episodeId!: string;

  @Field(() => Int)
  number!: number;
}

@InputType()
export class RenumberEpisodesInput {
  @Field(() => ID)
  seriesId!: string;

  @Field(() => [EpisodeNumberMove])
  moves!: EpisodeNumberMove[];
}

@InputType({ description: 'Price episodes fromNumber..toNumber in one territory: free, coins, and/or money.' })
export class SetEpisodePricesInput {
  @Field(() => ID)
  seriesId!: string;

  @Field(() => Int)
  fromNumber!: number;

  @Field(() => Int)
  toNumber!: number;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2, or WORLDWIDE.' })
  territory!: string;

  @Field(() => Boolean, { nullable: true })
  free?: boolean;

  @Field(() => Int, { nullable: true })
  coins?: number;

  @Field(() => String, { nullable: true })
  currency?: string;

  @Field(() => Int, { nullable: true, description: 'Integer minor units: 49 for 0.49 USD, 500 for 500 JPY.' })
  amountMinor?: number;

  @Field(() => Date, { nullable: true })
  startsAt?: Date;

  @Field(() => Date, { nullable: true })
  endsAt?: Date;
}

@InputType()
export class ClearEpisodePricesInput {
  @Field(() => ID)
  seriesId!: string;

  @Field(() => Int)
  fromNumber!: number;

  @Field(() => Int)
  toNumber!: number;

  @Field(() => String)
  territory!: string;
}

@InputType()
export class HoldbackInput {
  @Field(() => String)
  territory!: string;

  @Field(() => Date)
  until!: Date;
}

@InputType({ description: 'The whole license of a series; setting it replaces the previous one.' })
export class LicenseInput {
  @Field(() => String)
  sourceWorkTitle!: string;

  @Field(() => SourceWorkKind)
  sourceWorkKind!: SourceWorkKind;

  @Field(() => String, { nullable: true })
  sourceWorkAuthor?: string;

  @Field(() => String, { nullable: true })
  sourceWorkPublisher?: string;

  @Field(() => String)
  licensor!: string;

  @Field(() => LicenseKind)
  licenseKind!: LicenseKind;

  @Field(() => [String])
  territoriesIncluded!: string[];

  @Field(() => [String], { nullable: true })
  territoriesExcluded?: string[];

  @Field(() => Date, { nullable: true })
  windowStart?: Date;

  @Field(() => Date, { nullable: true })
  windowEnd?: Date;

  @Field(() => Boolean, { nullable: true })
  exclusive?: boolean;

  @Field(() => Boolean, { nullable: true })
  payPerEpisode?: boolean;

  @Field(() => Boolean, { nullable: true })
  avod?: boolean;

  @Field(() => Boolean, { nullable: true })
  svod?: boolean;

  @Field(() => [String], { nullable: true })
  subtitleLanguages?: string[];

  @Field(() => [String], { nullable: true })
  dubLanguages?: string[];

  @Field(() => [HoldbackInput], { nullable: true })
  holdbacks?: HoldbackInput[];

  @Field(() => String, { nullable: true })
  contractReference?: string;

  @Field(() => Boolean, { nullable: true })
  aiGeneratedContent?: boolean;

  @Field(() => String, { nullable: true })
  aiDisclosure?: string;

  @Field(() => [AiContentElement], { nullable: true, description: 'What was made or altered with AI in the whole series; declaring any sets aiGeneratedContent.' })
  aiElements?: AiContentElement[];

  @Field(() => String, { nullable: true, description: 'The visible label viewers are shown, e.g. "AI-generated voices" (territories such as CN, DE and FR require one).' })
  aiLabel?: string;
}


@ObjectType({ description: 'One refused field of an input, as a refused write lists them in `extensions.fieldErrors`.' })
export class FieldProblem {
  @Field(() => String, { description: 'The dotted path of the field in the operation\'s arguments, e.g. `input.originalLanguage` or `input.filings.0.territory`.' })
  field!: string;

  @Field(() => String, { description: 'What is wrong, in words.' })
  message!: string;
}
