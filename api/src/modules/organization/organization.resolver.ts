import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Organization, OrganizationKind } from './organization.entity';

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;

  @Field(() => OrganizationKind)
  kind!: OrganizationKind;
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Allow('USER')
  @Query(() => [Organization], { description: 'Your organizations; operator admins see all.' })
  organizations(@Ctx() ctx: GraphQLContext): Promise<Organization[]> {
    return ctx.services.organizations.list(ctx);
  }

  @Allow('USER')
  @Query(() => Organization)
  organization(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Organization> {
    return ctx.services.organizations.get(ctx, id);
  }

  @Allow('OPERATOR:ADMIN')
  @Mutation(() => Organization)
  createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: GraphQLContext): Promise<Organization> {
    return ctx.services.organizations.create(ctx, input);
  }
}
