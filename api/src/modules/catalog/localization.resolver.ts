import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { Allow, CATALOG_WRITERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Episode } from './episode.entity';
import { requestLoader } from './loaders';
import { LocalizedText } from './localized-text.entity';
import { Series } from './series.entity';



@InputType({ description: 'A title and synopsis in one language other than the original.' })
export class LocalizedTextInput {
  @Field(() => String, { description: 'BCP 47 language tag, e.g. es-MX; not the original language.' }) language!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true, description: 'Empty when omitted.' }) synopsis?: string;
}

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
  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [LocalizedText], { description: "Adds or replaces the episode's title and synopsis in each given language (others stay); returns every language it has. Reviewed material: a change sends the episode back to review." })
  setEpisodeLocalizations(@Ctx() ctx: GraphQLContext, @Arg('episodeId', () => ID) episodeId: string, @Arg('localizations', () => [LocalizedTextInput]) localizations: LocalizedTextInput[]): Promise<LocalizedText[]> {
    return ctx.services.localizedTexts.setForEpisode(ctx, episodeId, localizations);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [LocalizedText], { description: "Removes the episode's title and synopsis in one language; returns the languages left." })
  removeEpisodeLocalization(@Ctx() ctx: GraphQLContext, @Arg('episodeId', () => ID) episodeId: string, @Arg('language', () => String) language: string): Promise<LocalizedText[]> {
    return ctx.services.localizedTexts.removeForEpisode(ctx, episodeId, language);
  }

  @FieldResolver(() => [LocalizedText], { description: 'The title and synopsis in other languages than the original, in language order.' })
  localizations(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<LocalizedText[]> {
    return requestLoader(ctx, 'episode.localizations', (ids) => ctx.services.localizedTexts.ofEpisodes(ctx, ids), [] as LocalizedText[]).load(episode.id);
  }

  @FieldResolver(() => [LocalizationCheckType], { description: 'Pre-flight: per territory that requires local audio or subtitles, whether this episode meets it with the tracks partners would get.' })
  localizationPreflight(@Root() episode: Episode, @Ctx() ctx: GraphQLContext): Promise<LocalizationCheckType[]> {
    return ctx.services.localization.episodePreflight(ctx, episode.id) as Promise<LocalizationCheckType[]>;
  }
}

@Resolver(() => Series)
export class SeriesLocalizationResolver {
  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [LocalizedText], { description: "Adds or replaces the series' title and synopsis in each given language (others stay); returns every language it has. Reviewed material: a change sends its episodes back to review." })
  setSeriesLocalizations(@Ctx() ctx: GraphQLContext, @Arg('seriesId', () => ID) seriesId: string, @Arg('localizations', () => [LocalizedTextInput]) localizations: LocalizedTextInput[]): Promise<LocalizedText[]> {
    return ctx.services.localizedTexts.setForSeries(ctx, seriesId, localizations);
  }

  @Allow(...CATALOG_WRITERS)
  @Mutation(() => [LocalizedText], { description: "Removes the series' title and synopsis in one language; returns the languages left." })
  removeSeriesLocalization(@Ctx() ctx: GraphQLContext, @Arg('seriesId', () => ID) seriesId: string, @Arg('language', () => String) language: string): Promise<LocalizedText[]> {
    return ctx.services.localizedTexts.removeForSeries(ctx, seriesId, language);
  }

  @FieldResolver(() => [LocalizedText], { description: 'The series’ title and synopsis in other languages than the original, in language order.' })
  localizations(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<LocalizedText[]> {
    return ctx.services.localizedTexts.ofSeries(ctx, series.id);
  }

  @FieldResolver(() => [LocalizationCheckType], { description: 'Pre-flight: per territory that requires local audio or subtitles, which episodes do not meet it yet.' })
  localizationPreflight(@Root() series: Series, @Ctx() ctx: GraphQLContext): Promise<LocalizationCheckType[]> {
    return ctx.services.localization.seriesPreflight(ctx, series.id) as Promise<LocalizationCheckType[]>;
  }
}
