import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The price of an episode in the territory asked.', simpleResolvers: true })
export class CatalogPrice {
  @Field(() => Boolean) free!: boolean;
  @Field(() => Int, { nullable: true }) coins!: number | null;
  @Field(() => String, { nullable: true, description: 'ISO 4217.' }) currency!: string | null;
  @Field(() => Int, { nullable: true, description: 'Integer minor units of the currency.' }) amountMinor!: number | null;
  @Field(() => String, { nullable: true, description: 'Decimal amount in the currency’s precision.' }) amount!: string | null;
}

@ObjectType({ description: 'Why an episode is not live: a stable code and a sentence.' })
export class GateReasonType {
  @Field(() => String, { description: 'Stable: TAKEN_DOWN, APPROVAL_STALE, NOT_APPROVED, NOT_LICENSED, NO_PRICE, NOT_RELEASED, RELEASE_SCHEDULED, LOCALIZATION_MISSING, …' }) code!: string;
  @Field(() => String) message!: string;
  @Field(() => [String], { nullable: true, description: 'LOCALIZATION_MISSING: the languages (BCP 47) audio or subtitles in any of which would satisfy the territory.' }) languages?: string[];
}
