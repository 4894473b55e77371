import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Series } from '../catalog/series.entity';
import { AiLabelRequirement } from './ai-content.types';

@Resolver(() => Series)
export class SeriesAiLabelResolver {
  @FieldResolver(() => [AiLabelRequirement], { description: 'Pre-flight: territories (of those licensed) whose policy requires an AI label for the declared AI uses, and whether it is met. Empty when no declared use needs one.' })
  aiLabelRequirements(@Ctx() ctx: GraphQLContext, @Root() series: Series): Promise<AiLabelRequirement[]> {
    return ctx.services.aiDisclosure.labelRequirements(ctx, series.id);
  }
}
