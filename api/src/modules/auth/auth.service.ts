import { ReferenceKind, type EntityManager, type EntityName } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireUser } from '../../domain/access';
import { UnauthenticatedError } from '../../domain/errors';
import type { Actor, RequestContext } from '../../domain/request-context';
import { emailSchema, parseInput } from '../../domain/validation';
import { ApiKey } from '../api-key/api-key.entity';
import type { AuditService } from '../audit/audit.service';
import { Membership } from '../membership/membership.entity';
import { Organization, type OrganizationKind } from '../organization/organization.entity';
import { User } from '../user/user.entity';
import { verifyPassword } from './passwords';
import { Session } from './session.entity';
import type { SignInThrottle } from './sign-in-throttle';
import { API_KEY_PREFIX, apiKeyPrefixOf, hashToken, ISSUED_TOKEN, newSessionToken, sameHash, SESSION_TOKEN_PREFIX } from './tokens';

const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Password is required.').max(200, 'Password must be at most 200 characters.'),
});

export interface SignInResult {
  token: string;
  expiresAt: Date;
  user: User;
}

/** An API key with its organization's columns, as `authenticateApiKey` reads it. */
interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  created_by_id: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  partner_territories: string[] | null;
  organization_name: string;
  organization_kind: OrganizationKind;
  organization_created_at: Date;
  organization_suspended_at: Date | null;
  organization_suspended_reason: string | null;
}

/** API keys are touched at most this often, so busy partners do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class AuthService {
  constructor(
    private readonly audit: AuditService,
    private readonly throttle: SignInThrottle,
  ) {}

  async signIn(ctx: RequestContext, input: { email: string; password: string }): Promise<SignInResult> {
    const { email, password } = parseInput(signInSchema, input);
    await this.throttle.assertAllowed(email, ctx.ip);
    const em = ctx.em.fork();
    const user = await em.findOne(User, { email }, { populate: ['passwordHash'] });
    const valid = await verifyPassword(user?.passwordHash, password);
    if (!user || !valid) {
      await this.throttle.recordFailure(email, ctx.ip);
      this.audit.record(ctx, em, {
        action: 'auth.sign_in_failed',
        actorLabel: email,
        subjectType: 'User',
        subjectId: user?.id,
        summary: { email },
      });
      await em.flush();
      // One message for both cases: it must not reveal whether the account exists.
      throw new UnauthenticatedError('Email or password is incorrect.');
    }
    await this.throttle.recordSuccess(email);
    const token = newSessionToken();
    const session = em.create(Session, {
      user,
      tokenHash: hashToken(ctx.config.appSecret, token),
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + ctx.config.sessionTtlMs),
      userAgent: ctx.userAgent?.slice(0, 500),
      ip: ctx.ip,
    });
    this.audit.record(ctx, em, {
      action: 'auth.sign_in',
      actorLabel: user.email,
      subjectType: 'User',
      subjectId: user.id,
      summary: { sessionId: session.id },
    });
    await em.flush();
    return { token, expiresAt: session.expiresAt, user };
  }

  /** Revokes the calling session. Idempotent for the session it is called with. */
  async signOut(ctx: RequestContext): Promise<boolean> {
    const actor = requireUser(ctx);
    const em = ctx.em.fork();
    const session = await em.findOneOrFail(Session, actor.session.id);
    session.revokedAt = new Date();
    this.audit.record(ctx, em, {
      action: 'auth.sign_out',
      subjectType: 'User',
      subjectId: actor.user.id,
      summary: { sessionId: session.id },
    });
    await em.flush();
    return true;
  }

  /** Resolves a bearer token or session cookie to an actor; throws UNAUTHENTICATED with the reason. */
  async authenticate(em: EntityManager, appSecret: string, token: string): Promise<Actor> {
    // Every token issued has this shape; one without it is nobody's, and is not hashed nor looked up.
    if (ISSUED_TOKEN.test(token)) {
      if (token.startsWith(SESSION_TOKEN_PREFIX)) return this.authenticateSession(em, hashToken(appSecret, token));
      if (token.startsWith(API_KEY_PREFIX)) return this.authenticateApiKey(em, appSecret, token);
    }
    throw new UnauthenticatedError('The token is not a Greenlight session token or API key.');
  }

  /**
   * The session with this token hash, its user and the user's memberships (organizations loaded,
   * oldest first) in one statement — every request of a signed-in person, each upload chunk too,
   * starts here. The entities are merged into `em` as the ORM's own reads would have left them.
   */
  private async authenticateSession(em: EntityManager, tokenHash: string): Promise<Actor> {
    const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(sessionActorStatement(em), [tokenHash]);
    const first = rows[0];
    if (!first) throw new UnauthenticatedError('Your session has ended. Sign in again.');
    const user = em.map(User, columnsOf(first, 'u'));
    const session = em.map(Session, columnsOf(first, 's'));
    if (session.revokedAt) throw new UnauthenticatedError('Your session has ended. Sign in again.');
    if (session.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('Your session has expired. Sign in again.');
    const memberships = rows
      .filter((row) => row['m.id'] !== null)
      .map((row) => {
        em.map(Organization, columnsOf(row, 'o'));
        return em.map(Membership, columnsOf(row, 'm'));
      });
    return { kind: 'user', user, session, memberships };
  }

  /**
   * A partner API key: its row, its organization and its partner's territories in one plain
   * statement, mapped into the request's entity manager as the ORM would load them. Partners send
   * it with every request, and building and hydrating the ORM's populated query cost more than the
   * statement itself.
   */
  private async authenticateApiKey(em: EntityManager, appSecret: string, token: string): Promise<Actor> {
    const prefix = apiKeyPrefixOf(token);
    const [row] = prefix
      ? ((await em.getConnection().execute(
          `select k.id, k.organization_id, k.name, k.prefix, k.secret_hash, k.created_by_id, k.created_at, k.last_used_at, k.revoked_at,
                  (select p.territories from partner_profile p where p.organization_id = k.organization_id) as partner_territories,
                  o.name as organization_name, o.kind as organization_kind, o.created_at as organization_created_at,
                  o.suspended_at as organization_suspended_at, o.suspended_reason as organization_suspended_reason
           from api_key k join organization o on o.id = k.organization_id
           where k.prefix = ?`,
          [prefix],
        )) as ApiKeyRow[])
      : [];
    if (!row || !sameHash(row.secret_hash, hashToken(appSecret, token))) {
      throw new UnauthenticatedError('The API key is not valid.');
    }
    // The organization first, so the key's reference to it is the loaded entity.
    em.map(Organization, { id: row.organization_id, name: row.organization_name, kind: row.organization_kind, created_at: row.organization_created_at, suspended_at: row.organization_suspended_at, suspended_reason: row.organization_suspended_reason });
    const apiKey = em.map(ApiKey, { id: row.id, organization_id: row.organization_id, name: row.name, prefix: row.prefix, secret_hash: row.secret_hash, created_by_id: row.created_by_id, created_at: row.created_at, last_used_at: row.last_used_at, revoked_at: row.revoked_at, partner_territories: row.partner_territories });
    if (apiKey.revokedAt) throw new UnauthenticatedError('The API key has been revoked.');
    const now = new Date();
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: now });
      apiKey.lastUsedAt = now;
    }
    return { kind: 'apiKey', apiKey };
  }
}

/** The loaded columns of an entity's table (lazy ones left out, as the ORM leaves them), each selected as `alias.column`. */
function selectedColumns(em: EntityManager, entity: EntityName<object>, alias: string): string {
  return em
    .getMetadata()
    .get(entity)
    .props.filter((prop) => prop.persist !== false && !prop.lazy && !prop.formula && (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)))
    .flatMap((prop) => prop.fieldNames.map((column) => `${alias}.${column} as "${alias}.${column}"`))
    .join(', ');
}

let sessionActorSql: string | undefined;
/** One row per membership (one with null memberships for a user without any). */
const sessionActorStatement = (em: EntityManager) =>
  (sessionActorSql ??= `select ${selectedColumns(em, Session, 's')}, ${selectedColumns(em, User, 'u')}, ${selectedColumns(em, Membership, 'm')}, ${selectedColumns(em, Organization, 'o')}
     from session s
     join app_user u on u.id = s.user_id
     left join membership m on m.user_id = u.id
     left join organization o on o.id = m.organization_id
     where s.token_hash = ?
     order by m.created_at, m.id`);

/** The `alias.`-prefixed columns of a row, unprefixed, for `em.map`. */
function columnsOf(row: Record<string, unknown>, alias: string): Record<string, unknown> {
  const prefix = `${alias}.`;
  const columns: Record<string, unknown> = {};
  for (const key in row) if (key.startsWith(prefix)) columns[key.slice(prefix.length)] = row[key];
  return columns;
}
