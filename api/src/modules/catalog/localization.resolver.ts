import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Episode } from './episode.entity';
import { Series } from './series.entity';

export enum LocalizationMediumType {
  AUDIO = 'AUDIO',
  SUBTITLES = 'SUBTITLES',
}
registerEnumType(LocalizationMediumType, { name: 'LocalizationMedium', description: 'AUDIO (original or dubbed) or SUBTITLES (not forced ones).' });

@ObjectType('LocalizationRequirement', { description: 'What a territory’s policy pack requires: audio or subtitles in one of a list of languages.' })
export class LocalizationRequirementType {
  @Field(() => String, { description: 'The rule id, e.g. MX-LOCALIZATION-01.' }) id!: string;
  @Field(() => String) description!: string;
  @Field(() => [String], { description: 'BCP 47 languages; a track in any of them, or a regional variant, satisfies it.' }) languages!: string[];
  @Field(() => [LocalizationMediumType]) accepts!: LocalizationMediumType[];
}

@ObjectType('LocalizationCheck', { description: 'A territory’s localization requirement and whether the episodes meet it, as the publish gate will judge.' })
export class LocalizationCheckType {
  @Field(() => String) territory!: string;
  @Field(() => LocalizationRequirementType) requirement!: LocalizationRequirementType;
  @Field(() => Boolean, { description: 'Whether the license covers the territory now.' }) licensed!: boolean;
  @Field(() => Boolean) satisfied!: boolean;
  @Field(() => String, { nullable: true, description: 'What is missing, as LOCALIZATION_MISSING will say it.' }) message!: string | null;
  @Field(() => [Int], { description: 'Episodes that do not meet it.' }) missingEpisodeNumbers!: number[];
}

@Resolver(() => Episode)
export class EpisodeLocalizationResolver {
  @FieldResolver(() => [LocalizationCheckType], { description: 'Pre-flight: per territory that requires local audio or subtitles, whether this episode meets it with the tracks partners would get.' })
  localizationPreflight(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<LocalizationCheckType[]> {
    return ctx.services.localization.episodePreflight(ctx, episode.id) as Promise<LocalizationCheckType[]>;
  }
}

@Resolver(() => Series)
export class SeriesLocalizationResolver {
  @FieldResolver(() => [LocalizationCheckType], { description: 'Pre-flight: per territory that requires local audio or subtitles, which episodes do not meet it yet.' })
  localizationPreflight(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<LocalizationCheckType[]> {
    return ctx.services.localization.seriesPreflight(ctx, series.id) as Promise<LocalizationCheckType[]>;
  }
}
