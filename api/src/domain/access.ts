import { ForbiddenError, NotFoundError, UnauthenticatedError } from './errors';
import type { Actor, RequestContext } from './request-context';
import { OrganizationKind } from '../modules/organization/organization.entity';
import { Role, ROLES_BY_KIND, type Membership } from '../modules/membership/membership.entity';

export type UserActor = Extract<Actor, { kind: 'user' }>;

export function requireUser(ctx: RequestContext): UserActor {
  if (ctx.actor.kind === 'user') return ctx.actor;
  if (ctx.actor.kind === 'apiKey') throw new ForbiddenError('This operation needs a signed-in user, not an API key.');
  throw ctx.authFailure ?? new UnauthenticatedError();
}

/**
 * The one refusal for a caller whose role does not allow an operation: FORBIDDEN with reason
 * ROLE_REQUIRED, naming the `<KIND>:<ROLE>` rules that would allow it (as `@Allow` names them);
 * `why` says it in the domain's words when the rule is finer than a role.
 */
export function roleRequired(rules: readonly string[], why?: string): ForbiddenError {
  return new ForbiddenError(`${why ? `${why} ` : ''}This needs one of: ${[...new Set(rules)].join(', ')}.`).because('ROLE_REQUIRED');
}

/**
 * `<KIND>:<ROLE>` rules for `roles` in one kind of organization — only the roles that kind has
 * (`ROLES_BY_KIND`, the one vocabulary of roles), so a group shared across kinds (`MANAGER_ROLES`)
 * never names a role no one can hold, such as `OPERATOR:OWNER`.
 */
export const rulesFor = (kind: OrganizationKind, roles: readonly Role[]): string[] => roles.filter((r) => ROLES_BY_KIND[kind].includes(r)).map((r) => `${kind}:${r}`);

export const OPERATOR_STAFF_RULES = rulesFor(OrganizationKind.OPERATOR, [Role.REVIEWER, Role.LEAD, Role.ADMIN]);
export const OPERATOR_ADMIN_RULES = rulesFor(OrganizationKind.OPERATOR, [Role.ADMIN]);

export function membershipIn(ctx: RequestContext, organizationId: string): Membership | undefined {
  if (ctx.actor.kind !== 'user') return undefined;
  return ctx.actor.memberships.find((m) => m.organization.id === organizationId);
}

/** The operator's roles that carry a lead's powers (hold, assign, take down, second approval). */
export const LEAD_ROLES: readonly Role[] = [Role.LEAD, Role.ADMIN];

/**
 * The roles `memberships` hold in the operator's organization: empty for anyone who is not operator
 * staff. The one place that says who the operator's people are; everything else asks here.
 */
export function operatorRolesOf(memberships: ReadonlyArray<{ role: Role; organization: { kind: OrganizationKind } }>): Role[] {
  return memberships.filter((m) => m.organization.kind === OrganizationKind.OPERATOR).map((m) => m.role);
}

/** The caller's roles in the operator's organization (`operatorRolesOf`). */
export function operatorRoles(ctx: RequestContext): Role[] {
  if (ctx.actor.kind !== 'user') return [];
  return operatorRolesOf(ctx.actor.memberships);
}

/** Reviewers, leads and admins of the operator: they read every studio's catalog and cases. */
export function isOperatorStaff(ctx: RequestContext): boolean {
  return operatorRoles(ctx).length > 0;
}

export function isOperatorAdmin(ctx: RequestContext): boolean {
  return operatorRoles(ctx).includes(Role.ADMIN);
}

/**
 * The caller must hold one of `roles` in the organization. Someone outside it learns nothing, not
 * even that it exists (NOT_FOUND); a member with too small a role is told so (FORBIDDEN).
 */
export function requireRoleIn(
  ctx: RequestContext,
  organizationId: string,
  roles: readonly Role[],
  options: { operatorAdminMayAct?: boolean } = {},
): Membership | undefined {
  requireUser(ctx);
  if (options.operatorAdminMayAct && isOperatorAdmin(ctx)) return membershipIn(ctx, organizationId);
  const membership = membershipIn(ctx, organizationId);
  if (!membership) throw new NotFoundError('Organization');
  if (!roles.includes(membership.role)) {
    throw roleRequired([...rulesFor(membership.organization.kind, roles), ...(options.operatorAdminMayAct ? OPERATOR_ADMIN_RULES : [])]);
  }
  return membership;
}

/** Roles that manage an organization's members, per kind. */
export const MANAGER_ROLES: readonly Role[] = [Role.OWNER, Role.ADMIN, Role.PARTNER_ADMIN];
