import { Authorized, type AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors';
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
export const PARTNER_MANAGERS: RuleGroup = ['OPERATOR:ADMIN', 'PARTNER:PARTNER_ADMIN'];

export const authChecker: AuthChecker<GraphQLContext> = ({ context }, rules) => {
  const { actor } = context;
  const allowed = (rules as AccessRule[]).some((rule) => {
    if (rule === 'PUBLIC') return true;
    if (rule === 'PARTNER_KEY') return actor.kind === 'apiKey';
    if (actor.kind !== 'user') return false;
    if (rule === 'USER') return true;
    const [kind, role] = rule.split(':');
    return actor.memberships.some((m) => m.organization.kind === kind && m.role === role);
  });
  if (allowed) return true;
  if (actor.kind === 'anonymous') throw context.authFailure ?? new UnauthenticatedError();
  throw new ForbiddenError(`This needs one of: ${rules.join(', ')}.`);
};
