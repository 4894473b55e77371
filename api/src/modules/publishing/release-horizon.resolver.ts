import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow, CATALOG_READERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';

@ObjectType({ description: 'The times `setReleasePlan` accepts now, for forms to check a plan before sending it; a plan outside them is refused naming the field.' })
class ReleaseHorizon {
  @Field(() => Int, { description: 'How many years ahead a plan may reach (and, for daily drops, how far back its start may be).' })
  horizonYears!: number;

  @Field(() => Date, { description: 'The latest instant a plan may start or schedule an episode for: now plus `horizonYears`.' })
  latestStartsAt!: Date;

  @Field(() => Date, { description: 'The earliest start daily drops (mode DROPS) may count from: now minus `horizonYears`. Other modes treat a past start as now.' })
  earliestDropsStartsAt!: Date;
}

@Resolver()
export class ReleaseHorizonResolver {
  @Allow(...CATALOG_READERS)
  @Query(() => ReleaseHorizon, { description: 'How far ahead (and, for drops, back) a release plan may be set, as of now.' })
  releaseHorizon(@Ctx() ctx: GraphQLContext): ReleaseHorizon {
    return ctx.services.releases.horizon();
  }
}
