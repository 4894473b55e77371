import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow, OPERATOR_ADMINS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { isSuspendable, Organization, OrganizationKind } from './organization.entity';

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;

  @Field(() => OrganizationKind)
  kind!: OrganizationKind;
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @FieldResolver(() => Boolean, { description: 'Whether an operator admin may suspend it (studios and partners; never the operator).' })
  suspendable(@Root() organization: Organization): boolean {
    return isSuspendable(organization);
  }

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

  @Allow(...OPERATOR_ADMINS)
  @Mutation(() => Organization)
  createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: GraphQLContext): Promise<Organization> {
    return ctx.services.organizations.create(ctx, input);
  }

  @Allow(...OPERATOR_ADMINS)
  @Mutation(() => Organization, { description: 'Suspends a studio or partner (its catalog or feed goes dark for partners, with withdrawal events) or, with suspended: false, reinstates it. Errors: NOT_FOUND, CONFLICT for the operator, BAD_USER_INPUT (reason) when suspending without a reason.' })
  setOrganizationSuspended(
    @Arg('id', () => ID) id: string,
    @Arg('suspended', () => Boolean) suspended: boolean,
    @Arg('reason', () => String, { nullable: true, description: 'Why (3–500 characters); required when suspending.' }) reason: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Organization> {
    return ctx.services.organizations.setSuspended(ctx, id, suspended, reason);
  }
}
