import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { isOperatorAdmin, MANAGER_ROLES, membershipIn, operatorRolesOf, requireRoleIn, requireUser } from '../../domain/access';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { emailSchema, nameSchema, parseInput, passwordSchema } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { hashPassword } from '../auth/passwords';
import { hashToken, newInvitationToken } from '../auth/tokens';
import { isId } from '../common/ids';
import { Invitation } from '../invitation/invitation.entity';
import type { OrganizationService } from '../organization/organization.service';
import { Organization, OrganizationKind } from '../organization/organization.entity';
import { User } from '../user/user.entity';
import { Membership, Role, ROLES_BY_KIND } from './membership.entity';

const inviteSchema = z.object({
  organizationId: z.string(),
  email: emailSchema,
  role: z.enum(Role),
});

const acceptSchema = z.object({
  token: z.string().min(1, 'Invitation token is required.').max(200),
  name: nameSchema('Name'),
  password: passwordSchema,
});

export interface InviteOutcome {
  invitation: Invitation;
  invitationToken: string;
}

/** Why a person may not join an organization, as `extensions.reason`. */
export type JoinRefusalReason = 'OPERATOR_STAFF_IN_STUDIO' | 'ALREADY_A_MEMBER' | 'INVITATION_FOR_OTHER_ACCOUNT';

export class MembershipService {
  constructor(
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
  ) {}

  async listMembers(ctx: RequestContext, organizationId: string): Promise<Membership[]> {
    const org = await this.organizations.get(ctx, organizationId);
    return ctx.em.find(Membership, { organization: org }, { populate: ['user', 'organization'], orderBy: { createdAt: 'asc' } });
  }

  async listInvitations(ctx: RequestContext, organizationId: string): Promise<Invitation[]> {
    const org = await this.requireManager(ctx, organizationId);
    return ctx.em.find(
      Invitation,
      { organization: org, acceptedAt: null, expiresAt: { $gt: new Date() } },
      { orderBy: { createdAt: 'desc' } },
    );
  }

  /**
   * Everyone gets an invitation whose token is returned once, for the inviter to pass on; nobody
   * joins without accepting it (a newcomer with `acceptInvitation`, someone with an account with
   * `joinOrganization`), so no one is made a member of an organization they did not choose.
   */
  async invite(ctx: RequestContext, input: { organizationId: string; email: string; role: Role }): Promise<InviteOutcome> {
    const data = parseInput(inviteSchema, input);
    const org = await this.requireManager(ctx, data.organizationId);
    this.assertRoleFits(org, data.role, 'input.role');
    const em = ctx.em.fork();
    const existing = await em.findOne(User, { email: data.email });
    if (existing) await this.assertMayJoin(em, existing, org, 'input.email');
    const invitationToken = newInvitationToken();
    const invitation = em.create(Invitation, {
      organization: org.id,
      email: data.email,
      role: data.role,
      tokenHash: hashToken(ctx.config.appSecret, invitationToken),
      invitedBy: ctx.actor.kind === 'user' ? ctx.actor.user.id : undefined,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + ctx.config.invitationTtlMs),
    });
    this.audit.record(ctx, em, {
      action: 'membership.invite',
      organizationId: org.id,
      subjectType: 'Invitation',
      subjectId: invitation.id,
      summary: { email: data.email, role: data.role },
    });
    await em.flush();
    await em.populate(invitation, ['organization']);
    return { invitation, invitationToken };
  }

  /** Creates the invitee's account and membership and signs nothing in: they sign in next. */
  async acceptInvitation(ctx: RequestContext, input: { token: string; name: string; password: string }): Promise<User> {
    const data = parseInput(acceptSchema, input);
    const em = ctx.em.fork();
    const invitation = await em.findOne(
      Invitation,
      { tokenHash: hashToken(ctx.config.appSecret, data.token) },
      { populate: ['organization'] },
    );
    if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new NotFoundError('Invitation (it may have expired or been used already)');
    }
    if (await em.count(User, { email: invitation.email })) {
      throw new ConflictError('An account with this email already exists. Sign in and accept the invitation with joinOrganization.', 'input.token');
    }
    const user = em.create(User, {
      email: invitation.email,
      name: data.name,
      passwordHash: await hashPassword(data.password),
      createdAt: new Date(),
    });
    const membership = em.create(Membership, { user, organization: invitation.organization, role: invitation.role, createdAt: new Date() });
    invitation.acceptedAt = new Date();
    this.audit.record(ctx, em, {
      action: 'membership.accept_invitation',
      actorLabel: invitation.email,
      organizationId: invitation.organization.id,
      subjectType: 'Membership',
      subjectId: membership.id,
      summary: { email: invitation.email, role: invitation.role },
    });
    await em.flush();
    return user;
  }

  /**
   * The signed-in person accepts an invitation made for their own account's email and joins with
   * its role. The invitation is checked again: operator staff never join a studio.
   */
  async joinOrganization(ctx: RequestContext, token: string): Promise<Membership> {
    const { user } = requireUser(ctx);
    const data = parseInput(z.object({ token: z.string().min(1, 'Invitation token is required.').max(200) }), { token });
    const em = ctx.em.fork();
    const invitation = await em.findOne(Invitation, { tokenHash: hashToken(ctx.config.appSecret, data.token) }, { populate: ['organization'] });
    if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new NotFoundError('Invitation (it may have expired or been used already)');
    }
    if (invitation.email !== user.email) {
      throw new ForbiddenError(`This invitation is for another email address; sign in as ${invitation.email} to accept it.`).because('INVITATION_FOR_OTHER_ACCOUNT' satisfies JoinRefusalReason);
    }
    const account = await em.findOneOrFail(User, user.id);
    await this.assertMayJoin(em, account, invitation.organization, 'token');
    const membership = em.create(Membership, { user: account, organization: invitation.organization, role: invitation.role, createdAt: new Date() });
    invitation.acceptedAt = new Date();
    this.audit.record(ctx, em, {
      action: 'membership.accept_invitation',
      organizationId: invitation.organization.id,
      subjectType: 'Membership',
      subjectId: membership.id,
      summary: { email: invitation.email, role: invitation.role },
    });
    await em.flush();
    await em.populate(membership, ['organization', 'user']);
    return membership;
  }

  async changeRole(ctx: RequestContext, input: { membershipId: string; role: Role }): Promise<Membership> {
    const em = ctx.em.fork();
    const membership = await this.findManageable(ctx, em, input.membershipId);
    this.assertRoleFits(membership.organization, input.role, 'input.role');
    const before = membership.role;
    if (before === input.role) return membership;
    await this.assertNotLastManager(em, membership);
    membership.role = input.role;
    this.audit.record(ctx, em, {
      action: 'membership.change_role',
      organizationId: membership.organization.id,
      subjectType: 'Membership',
      subjectId: membership.id,
      summary: { email: membership.user.email, before: { role: before }, after: { role: input.role } },
    });
    await em.flush();
    return membership;
  }

  async remove(ctx: RequestContext, membershipId: string): Promise<boolean> {
    const em = ctx.em.fork();
    const membership = await this.findManageable(ctx, em, membershipId);
    await this.assertNotLastManager(em, membership);
    this.audit.record(ctx, em, {
      action: 'membership.remove',
      organizationId: membership.organization.id,
      subjectType: 'Membership',
      subjectId: membership.id,
      summary: { email: membership.user.email, before: { role: membership.role } },
    });
    em.remove(membership);
    await em.flush();
    return true;
  }

  private async requireManager(ctx: RequestContext, organizationId: string): Promise<Organization> {
    requireUser(ctx);
    if (!isId(organizationId)) throw new NotFoundError('Organization');
    requireRoleIn(ctx, organizationId, MANAGER_ROLES, { operatorAdminMayAct: true });
    const org = membershipIn(ctx, organizationId)?.organization ?? (await ctx.em.findOne(Organization, organizationId));
    if (!org) throw new NotFoundError('Organization');
    return org;
  }

  private async findManageable(ctx: RequestContext, em: EntityManager, membershipId: string): Promise<Membership> {
    requireUser(ctx);
    const membership = isId(membershipId)
      ? await em.findOne(Membership, membershipId, { populate: ['organization', 'user'] })
      : null;
    const visible = membership && (isOperatorAdmin(ctx) || membershipIn(ctx, membership.organization.id));
    if (!membership || !visible) throw new NotFoundError('Membership');
    requireRoleIn(ctx, membership.organization.id, MANAGER_ROLES, { operatorAdminMayAct: true });
    return membership;
  }

  /**
   * Whether `user` may become a member of `org`: not already one, and no operator staff in a studio
   * (they review studios' cases; a studio must not choose who cannot review it). CONFLICT naming
   * `field` otherwise.
   */
  private async assertMayJoin(em: EntityManager, user: User, org: Organization, field: string): Promise<void> {
    const memberships = await em.find(Membership, { user }, { populate: ['organization'] });
    if (memberships.some((m) => m.organization.id === org.id)) {
      throw new ConflictError(`${user.email} is already a member of ${org.name}.`, field).because('ALREADY_A_MEMBER' satisfies JoinRefusalReason);
    }
    if (org.kind === OrganizationKind.STUDIO && operatorRolesOf(memberships).length) {
      throw new ConflictError(`${user.email} is on the operator's review staff and cannot join a studio: staff review studios' cases.`, field).because('OPERATOR_STAFF_IN_STUDIO' satisfies JoinRefusalReason);
    }
  }

  private assertRoleFits(org: Organization, role: Role, field: string): void {
    const allowed = ROLES_BY_KIND[org.kind];
    if (!allowed.includes(role)) {
      throw new BadUserInputError(field, `${role} is not a role in a ${org.kind.toLowerCase()}; use one of ${allowed.join(', ')}.`);
    }
  }

  /** An organization always keeps someone who can manage it. */
  private async assertNotLastManager(em: EntityManager, membership: Membership): Promise<void> {
    if (!MANAGER_ROLES.includes(membership.role)) return;
    const managers = await em.count(Membership, { organization: membership.organization, role: { $in: [...MANAGER_ROLES] } });
    if (managers <= 1) throw new ConflictError(`${membership.organization.name} needs at least one ${membership.role}.`);
  }
}
