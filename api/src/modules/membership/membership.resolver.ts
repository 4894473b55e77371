import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Capabilities } from '../auth/auth.types';
import { Allow, capabilitiesOf, ORGANIZATION_MANAGERS } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { Invitation } from '../invitation/invitation.entity';
import { User } from '../user/user.entity';
import { Membership, Role } from './membership.entity';

@InputType()
export class InviteMemberInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Role)
  role!: Role;
}

@ObjectType({ description: 'The invitation with its one-time token: nobody joins without accepting (acceptInvitation for a newcomer, joinOrganization for someone with an account).' })
export class InviteMemberPayload {
  @Field(() => Membership, { nullable: true, deprecationReason: 'Always null: someone with an account gets an invitation too, accepted with joinOrganization.' })
  membership?: Membership;

  @Field(() => Invitation, { nullable: true })
  invitation?: Invitation;

  @Field(() => String, { nullable: true, description: 'Shown once: the invitee accepts with it.' })
  invitationToken?: string;
}

@InputType()
export class AcceptInvitationInput {
  @Field(() => String)
  token!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  password!: string;
}

@InputType()
export class ChangeMemberRoleInput {
  @Field(() => ID)
  membershipId!: string;

  @Field(() => Role)
  role!: Role;
}

@Resolver()
export class MembershipResolver {
  @Allow('USER')
  @Query(() => [Membership])
  members(@Arg('organizationId', () => ID) organizationId: string, @Ctx() ctx: GraphQLContext): Promise<Membership[]> {
    return ctx.services.memberships.listMembers(ctx, organizationId);
  }

  @Allow('USER')
  @Query(() => [Invitation], { description: 'Pending invitations; for owners and admins.' })
  invitations(@Arg('organizationId', () => ID) organizationId: string, @Ctx() ctx: GraphQLContext): Promise<Invitation[]> {
    return ctx.services.memberships.listInvitations(ctx, organizationId);
  }

  @Allow(...ORGANIZATION_MANAGERS)
  @Mutation(() => InviteMemberPayload)
  inviteMember(@Arg('input', () => InviteMemberInput) input: InviteMemberInput, @Ctx() ctx: GraphQLContext): Promise<InviteMemberPayload> {
    return ctx.services.memberships.invite(ctx, input);
  }

  @Allow('PUBLIC')
  @Mutation(() => User, { description: 'Creates the account for an invitation; then sign in.' })
  acceptInvitation(@Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput, @Ctx() ctx: GraphQLContext): Promise<User> {
    return ctx.services.memberships.acceptInvitation(ctx, input);
  }

  @Allow('USER')
  @Mutation(() => Membership, { description: 'Accepts an invitation made for your own account’s email: you join with its role. Operator staff cannot join a studio (reason OPERATOR_STAFF_IN_STUDIO).' })
  joinOrganization(@Arg('token', () => String) token: string, @Ctx() ctx: GraphQLContext): Promise<Membership> {
    return ctx.services.memberships.joinOrganization(ctx, token);
  }

  @Allow(...ORGANIZATION_MANAGERS)
  @Mutation(() => Membership)
  changeMemberRole(@Arg('input', () => ChangeMemberRoleInput) input: ChangeMemberRoleInput, @Ctx() ctx: GraphQLContext): Promise<Membership> {
    return ctx.services.memberships.changeRole(ctx, input);
  }

  @Allow(...ORGANIZATION_MANAGERS)
  @Mutation(() => Boolean)
  removeMember(@Arg('membershipId', () => ID) membershipId: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.memberships.remove(ctx, membershipId);
  }
}

@Resolver(() => Membership)
export class MembershipCapabilitiesResolver {
  @FieldResolver(() => Capabilities, { description: 'What this role lets its holder do in this organization (the role groups the operations allow).' })
  async can(@Root() membership: Membership, @Ctx() ctx: GraphQLContext): Promise<Capabilities> {
    // Listed members may come with their organization as a bare reference.
    if (!membership.organization.kind) await ctx.em.populate(membership, ['organization']);
    return capabilitiesOf([membership]);
  }
}
