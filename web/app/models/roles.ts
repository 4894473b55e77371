/** Organizations and roles as the API defines them; shared by loaders and components. */
import { graphql, type EnumOf, type ResultOf } from '~/graphql';

export type OrganizationKind = EnumOf<'OrganizationKind'>;
export type Role = EnumOf<'Role'>;

/** `suspendable` comes from the API: whether an operator admin may suspend it. */
export const OrganizationFields = graphql(`
  fragment OrganizationFields on Organization { id name kind createdAt suspendedAt suspendedReason suspendable }
`);
export type Organization = ResultOf<typeof OrganizationFields>;

export const ORGANIZATION_KINDS: readonly OrganizationKind[] = ['STUDIO', 'PARTNER', 'OPERATOR'];

/** A role is valid only in its kind of organization. */
export const ROLES_BY_KIND: Record<OrganizationKind, readonly Role[]> = {
  STUDIO: ['OWNER', 'EDITOR', 'VIEWER'],
  OPERATOR: ['REVIEWER', 'LEAD', 'ADMIN'],
  PARTNER: ['PARTNER_ADMIN'],
};

/** Invitations start with the least powerful role of the kind; the inviter can choose more. */
export const DEFAULT_INVITE_ROLE: Record<OrganizationKind, Role> = {
  STUDIO: 'VIEWER',
  OPERATOR: 'REVIEWER',
  PARTNER: 'PARTNER_ADMIN',
};

const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  EDITOR: 'Editor',
  VIEWER: 'Viewer',
  REVIEWER: 'Reviewer',
  LEAD: 'Lead reviewer',
  ADMIN: 'Admin',
  PARTNER_ADMIN: 'Partner admin',
};

const KIND_LABELS: Record<OrganizationKind, string> = {
  STUDIO: 'Studio',
  PARTNER: 'Partner',
  OPERATOR: 'Operator',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role] ?? role;
}

export function kindLabel(kind: OrganizationKind): string {
  return KIND_LABELS[kind] ?? kind;
}

export function isRoleOf(kind: OrganizationKind, value: unknown): value is Role {
  return typeof value === 'string' && (ROLES_BY_KIND[kind] as readonly string[]).includes(value);
}

export function isOrganizationKind(value: unknown): value is OrganizationKind {
  return typeof value === 'string' && (ORGANIZATION_KINDS as readonly string[]).includes(value);
}
