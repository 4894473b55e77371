import { AiContentDisclosure } from '../ai-disclosure/ai-content.types';
import { Field, ID, InputType, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Episode } from '../catalog/episode.entity';
import { Organization } from '../organization/organization.entity';
import { CatalogEvent } from './catalog-event.entity';
import { PartnerProfile } from './partner-profile.entity';
import { ReleaseMode, ReleasePlan } from './release-plan.entity';
import { WebhookEndpoint } from './webhook.entity';

@InterfaceType({ description: 'An object with a global id (Relay).', resolveType: (value: { __typename?: string }) => value.__typename })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: 'The price of an episode in the territory asked.' })
export class CatalogPrice {
  @Field(() => Boolean) free!: boolean;
  @Field(() => Int, { nullable: true }) coins!: number | null;
  @Field(() => String, { nullable: true, description: 'ISO 4217.' }) currency!: string | null;
  @Field(() => Int, { nullable: true, description: 'Integer minor units of the currency.' }) amountMinor!: number | null;
  @Field(() => String, { nullable: true, description: 'Decimal amount in the currency’s precision.' }) amount!: string | null;
}

@ObjectType()
export class SourceWork {
  @Field(() => String) title!: string;
  @Field(() => String) kind!: string;
  @Field(() => String, { nullable: true }) author!: string | null;
  @Field(() => String, { nullable: true }) publisher!: string | null;
}

@ObjectType({ implements: Node, description: 'A live episode, as a partner sees it in one territory.' })
export class CatalogEpisode extends Node {
  readonly __typename = 'CatalogEpisode';
  @Field(() => Int) number!: number;
  @Field(() => String) title!: string;
  @Field(() => String) synopsis!: string;
  @Field(() => Int, { nullable: true }) durationSeconds!: number | null;
  @Field(() => Int, { nullable: true }) width!: number | null;
  @Field(() => Int, { nullable: true }) height!: number | null;
  @Field(() => [String], { description: 'Languages with subtitles (BCP 47).' }) subtitleLanguages!: string[];
  @Field(() => CatalogPrice) price!: CatalogPrice;
  @Field(() => String) territory!: string;
  @Field(() => AiContentDisclosure, { description: 'What was AI-generated in this episode (its series’ declaration with its own) and the label and disclosure to show viewers.' }) aiContent!: AiContentDisclosure;
  /** Row id, for playback and posters; not exposed. */
  rowId!: string;
  hasPoster!: boolean;
}

@ObjectType()
export class CatalogEpisodeConnection extends Connection('CatalogEpisode', CatalogEpisode) {}

@ObjectType({ implements: Node, description: 'A series with at least one live episode, as a partner sees it in one territory.' })
export class CatalogSeries extends Node {
  readonly __typename = 'CatalogSeries';
  @Field(() => String) title!: string;
  @Field(() => String) synopsis!: string;
  @Field(() => [String]) genres!: string[];
  @Field(() => String) originalLanguage!: string;
  @Field(() => String) orientation!: string;
  @Field(() => String, { nullable: true }) coverImageUrl!: string | null;
  @Field(() => String, { nullable: true, description: 'Maturity rating in this territory.' }) maturityRating!: string | null;
  @Field(() => String, { nullable: true, description: 'Regulatory filing number in this territory.' }) filingNumber!: string | null;
  @Field(() => String, { nullable: true }) licensor!: string | null;
  @Field(() => SourceWork, { nullable: true }) sourceWork!: SourceWork | null;
  @Field(() => String) territory!: string;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => AiContentDisclosure, { description: 'What the studio declares as AI-generated in the series as a whole, and the label and disclosure to show viewers; episodes may declare more.' }) aiContent!: AiContentDisclosure;
  rowId!: string;
}

@ObjectType()
export class CatalogSeriesConnection extends Connection('CatalogSeries', CatalogSeries) {}

@ObjectType()
export class CatalogEventConnection extends Connection('CatalogEvent', CatalogEvent) {}

@ObjectType({ description: 'Signed, expiring URLs to play an episode (HTTP range requests supported).' })
export class Playback {
  @Field(() => String) url!: string;
  @Field(() => String) posterUrl!: string;
  @Field(() => Date) expiresAt!: Date;
}

@InputType()
export class CatalogFilterInput {
  @Field(() => [String], { nullable: true }) genres?: string[];
  @Field(() => String, { nullable: true, description: 'Original language (BCP 47).' }) language?: string;
  @Field(() => Date, { nullable: true, description: 'Only series changed (or with episodes gone live) since.' }) updatedSince?: Date;
}

@InputType()
export class ReleasePlanInput {
  @Field(() => ReleaseMode) mode!: ReleaseMode;
  @Field(() => Date) startsAt!: Date;
  @Field(() => Int, { nullable: true }) episodesPerDay?: number;
  @Field(() => [EpisodeReleaseTimeInput], { nullable: true, description: 'For SCHEDULED.' }) episodeTimes?: EpisodeReleaseTimeInput[];
}

@InputType()
export class EpisodeReleaseTimeInput {
  @Field(() => Int) number!: number;
  @Field(() => Date) at!: Date;
}

@InputType()
export class PartnerProfileInput {
  @Field(() => [String]) territories!: string[];
  @Field(() => String) currency!: string;
  @Field(() => Int, { nullable: true }) rateLimitPerMinute?: number;
}

@ObjectType()
export class PartnerInfo {
  @Field(() => Organization) organization!: Organization;
  @Field(() => PartnerProfile, { nullable: true }) profile!: PartnerProfile | null;
}

@ObjectType()
export class GateReasonType {
  @Field(() => String) code!: string;
  @Field(() => String) message!: string;
}

@ObjectType()
export class EpisodeDistribution {
  @Field(() => Episode) episode!: Episode;
  @Field(() => String) territory!: string;
  @Field(() => Boolean) live!: boolean;
  @Field(() => Date, { nullable: true }) releaseAt!: Date | null;
  @Field(() => [GateReasonType], { description: 'Why it is not live (empty when live).' }) reasons!: GateReasonType[];
}

@ObjectType({ description: 'One partner’s view of a series: the plan and, per episode and territory, live or why not.' })
export class PartnerDistribution {
  @Field(() => Organization) partner!: Organization;
  @Field(() => ReleasePlan, { nullable: true }) plan!: ReleasePlan | null;
  @Field(() => [EpisodeDistribution]) episodes!: EpisodeDistribution[];
}

@ObjectType()
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field(() => String, { description: 'The signing secret (whsec_…). Shown once.' }) secret!: string;
}

