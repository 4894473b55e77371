import { Authorized, type AuthChecker } from 'type-graphql';
import { roleRequired } from '../domain/access';
import { UnauthenticatedError } from '../domain/errors';
import type { GraphQLContext } from './context';

/**
 * Who may call an operation. Every query and mutation names at least one rule with `@Allow`
 * (a test walks the schema to make sure); services still check the tenant of what is touched.
 *  - `PUBLIC`: anyone, signed in or not
 *  - `USER`: any signed-in person
 *  - `PARTNER_KEY`: a partner API key
 *  - `<KIND>:<ROLE>`: a signed-in person holding that role in some organization of that kind
 */
export type AccessRule =
  | 'PUBLIC'
  | 'USER'
  | 'PARTNER_KEY'
  | 'STUDIO:OWNER'
  | 'STUDIO:EDITOR'
  | 'STUDIO:VIEWER'
  | 'OPERATOR:REVIEWER'
  | 'OPERATOR:LEAD'
  | 'OPERATOR:ADMIN'
  | 'PARTNER:PARTNER_ADMIN';

export const Allow = (...rules: [AccessRule, ...AccessRule[]]) => Authorized(...rules);

type RuleGroup = readonly [AccessRule, ...AccessRule[]];

/** The role groups resolvers allow (`@Allow(...CATALOG_WRITERS)`): one vocabulary, no local lists. */
export const CATALOG_WRITERS: RuleGroup = ['STUDIO:OWNER', 'STUDIO:EDITOR'];
export const STUDIO_MEMBERS: RuleGroup = ['STUDIO:OWNER', 'STUDIO:EDITOR', 'STUDIO:VIEWER'];
/** Reviewers, leads and admins: the operator's people (domain/access.ts `isOperatorStaff`). */
export const OPERATOR_STAFF: RuleGroup = ['OPERATOR:REVIEWER', 'OPERATOR:LEAD', 'OPERATOR:ADMIN'];
/** The operator's roles with a lead's powers (domain/access.ts `LEAD_ROLES`). */
export const LEADS: RuleGroup = ['OPERATOR:LEAD', 'OPERATOR:ADMIN'];
/** Studio members and the operator's people, who read every catalog because they review it. */
export const CATALOG_READERS: RuleGroup = [...STUDIO_MEMBERS, ...OPERATOR_STAFF];
/** Who manages partners' API keys and webhooks: operator admins, and partner admins their own. */
export const PARTNER_MANAGERS: RuleGroup = ['OPERATOR:ADMIN', 'PARTNER:PARTNER_ADMIN'];
/** Who manages an organization's members and reads its audit log. */
export const ORGANIZATION_MANAGERS: RuleGroup = ['STUDIO:OWNER', 'OPERATOR:ADMIN', 'PARTNER:PARTNER_ADMIN'];
/** The operator's admins: organizations, partners' profiles, review settings. */
export const OPERATOR_ADMINS: RuleGroup = ['OPERATOR:ADMIN'];

/**
 * What a signed-in person may do, each named by the role group the operations doing it allow
 * (`Viewer.can`, `Membership.can`): clients read these instead of keeping their own role lists.
 */
export const CAPABILITIES = {
  readCatalog: CATALOG_READERS,
  editCatalog: CATALOG_WRITERS,
  submitForReview: CATALOG_WRITERS,
  review: OPERATOR_STAFF,
  lead: LEADS,
  administer: OPERATOR_ADMINS,
  manageTeam: ORGANIZATION_MANAGERS,
  readAuditLog: ORGANIZATION_MANAGERS,
  managePartners: PARTNER_MANAGERS,
} as const satisfies Record<string, RuleGroup>;
export type Capability = keyof typeof CAPABILITIES;

interface RoleHolder {
  role: string;
  organization: { kind: string };
}

/** Whether some membership holds a `<KIND>:<ROLE>` rule of `rules` (the other rules are about the caller, not a membership). */
export function membershipsAllow(memberships: readonly RoleHolder[], rules: readonly AccessRule[]): boolean {
  return rules.some((rule) => {
    const [kind, role] = rule.split(':');
    return role !== undefined && memberships.some((m) => m.organization.kind === kind && m.role === role);
  });
}

/** Every capability, judged for `memberships` exactly as the resolvers' `@Allow` judges them. */
export function capabilitiesOf(memberships: readonly RoleHolder[]): Record<Capability, boolean> {
  return Object.fromEntries(Object.entries(CAPABILITIES).map(([name, rules]) => [name, membershipsAllow(memberships, rules)])) as Record<Capability, boolean>;
}

export const authChecker: AuthChecker<GraphQLContext> = ({ context }, rules) => {
  const { actor } = context;
  const allowed = (rules as AccessRule[]).some((rule) => {
    if (rule === 'PUBLIC') return true;
    if (rule === 'PARTNER_KEY') return actor.kind === 'apiKey';
    if (actor.kind !== 'user') return false;
    if (rule === 'USER') return true;
    return membershipsAllow(actor.memberships, [rule]);
  });
  if (allowed) return true;
  if (actor.kind === 'anonymous') throw context.authFailure ?? new UnauthenticatedError();
  throw roleRequired(rules as string[]);
};
