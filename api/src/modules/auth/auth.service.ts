import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireUser } from '../../domain/access';
import { UnauthenticatedError } from '../../domain/errors';
import type { Actor, RequestContext } from '../../domain/request-context';
import { emailSchema, parseInput } from '../../domain/validation';
import { ApiKey } from '../api-key/api-key.entity';
import type { AuditService } from '../audit/audit.service';
import { Membership } from '../membership/membership.entity';
import { User } from '../user/user.entity';
import { verifyPassword } from './passwords';
import { Session } from './session.entity';
import type { SignInThrottle } from './sign-in-throttle';
import { API_KEY_PREFIX, apiKeyPrefixOf, hashToken, newSessionToken, sameHash, SESSION_TOKEN_PREFIX } from './tokens';

const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Password is required.').max(200, 'Password must be at most 200 characters.'),
});

export interface SignInResult {
  token: string;
  expiresAt: Date;
  user: User;
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
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await em.findOne(Session, { tokenHash: hashToken(appSecret, token) }, { populate: ['user'] });
      if (!session || session.revokedAt) throw new UnauthenticatedError('Your session has ended. Sign in again.');
      if (session.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('Your session has expired. Sign in again.');
      const memberships = await em.find(Membership, { user: session.user }, { populate: ['organization'], orderBy: { createdAt: 'asc' } });
      return { kind: 'user', user: session.user, session, memberships };
    }
    if (token.startsWith(API_KEY_PREFIX)) {
      const prefix = apiKeyPrefixOf(token);
      const apiKey = prefix ? await em.findOne(ApiKey, { prefix }, { populate: ['secretHash', 'organization', 'partnerTerritories'] }) : null;
      if (!apiKey || !sameHash(apiKey.secretHash, hashToken(appSecret, token))) {
        throw new UnauthenticatedError('The API key is not valid.');
      }
      if (apiKey.revokedAt) throw new UnauthenticatedError('The API key has been revoked.');
      const now = new Date();
      if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: now });
        apiKey.lastUsedAt = now;
      }
      return { kind: 'apiKey', apiKey };
    }
    throw new UnauthenticatedError('The token is not a Greenlight session token or API key.');
  }
}
