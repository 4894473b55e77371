import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { ApiKey } from '../modules/api-key/api-key.entity';
import type { Session } from '../modules/auth/session.entity';
import type { Membership } from '../modules/membership/membership.entity';
import type { User } from '../modules/user/user.entity';
import type { DomainError } from './errors';

export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: User; session: Session; memberships: Membership[] }
  | { kind: 'apiKey'; apiKey: ApiKey };

/**
 * Everything a service needs to act on behalf of one request. The tenant is always derived from
 * `actor`, never taken from input alone.
 */
export interface RequestContext {
  em: EntityManager;
  actor: Actor;
  requestId: string;
  ip?: string;
  userAgent?: string;
  /** Why credentials that were sent did not authenticate; surfaced only if the operation needs them. */
  authFailure?: DomainError;
  config: Config;
  logger: Logger;
}
