import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Allow, CATALOG_WRITERS, STUDIO_MEMBERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Currency, FieldProblem, LicenseInput } from './catalog.types';
import { SeriesLicense } from './license.entity';
import { ISO_TERRITORIES } from './territories';


@Resolver()
export class CatalogResolver {
  @Allow(...CATALOG_WRITERS)
  @Mutation(() => SeriesLicense, { description: "Sets the series' IP license (replacing any earlier one)." })
  setLicense(@Ctx() ctx: GraphQLContext, @Arg('seriesId', () => ID) seriesId: string, @Arg('input', () => LicenseInput) input: LicenseInput): Promise<SeriesLicense> {
    return ctx.services.licenses.set(ctx, seriesId, input);
  }

  @Allow(...CATALOG_WRITERS)
  @Query(() => [FieldProblem], {
    description:
      'Every field of `input` that `setLicense` would refuse by the input\'s own rules (rules across fields included), all at once; empty when none. Writes nothing and checks no access to a series: the write itself does. For forms that must show every error after one submit while a field they could not send is fixed.',
  })
  licenseInputProblems(@Ctx() ctx: GraphQLContext, @Arg('input', () => LicenseInput) input: LicenseInput): FieldProblem[] {
    return ctx.services.licenses.inputProblems(input);
  }

  @Allow(...STUDIO_MEMBERS)
  @Query(() => String, { description: 'EMA Avails CSV for one series, or the whole catalog of the studio.' })
  availsCsv(@Ctx() ctx: GraphQLContext, @Arg('studioId', () => ID) studioId: string, @Arg('seriesId', () => ID, { nullable: true }) seriesId?: string): Promise<string> {
    return ctx.services.avails.csv(ctx, { studioId, seriesId });
  }

  @Allow('PUBLIC')
  @Query(() => [Currency], { description: 'ISO 4217 currencies with their minor-unit exponents.' })
  currencies(@Ctx() ctx: GraphQLContext): Currency[] {
    return ctx.services.pricing.currencies();
  }

  @Allow('PUBLIC')
  @Query(() => [String], { description: 'ISO 3166-1 alpha-2 territory codes accepted by the API (plus WORLDWIDE where noted).' })
  territories(): readonly string[] {
    return ISO_TERRITORIES;
  }
}
