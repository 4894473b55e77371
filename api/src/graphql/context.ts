import type { MikroORM } from '@mikro-orm/postgresql';
import { parse as parseCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { Config } from '../config';
import { DomainError, UnauthenticatedError } from '../domain/errors';
import type { Actor, RequestContext } from '../domain/request-context';
import type { Logger } from '../logger';
import type { Services } from '../services';

export const SESSION_COOKIE = 'gl_session';

export interface GraphQLContext extends RequestContext {
  services: Services;
  req: Request;
  res: Response;
}

export interface ContextDeps {
  orm: MikroORM;
  config: Config;
  logger: Logger;
  services: Services;
}

/**
 * `Bearer <token>` (RFC 6750's b64token; the scheme's name in any case, RFC 9110 §11.1). Only the
 * header's shape is checked here: whether the token is one of ours is authentication's to say, so a
 * well-formed header with a token nobody issued is told that, not that the header is wrong.
 */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/** The credential a request carries: a bearer token wins over the session cookie. */
export function credentialOf(req: Pick<Request, 'headers'>): { token?: string; problem?: DomainError } {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (!match) return { problem: new UnauthenticatedError("The Authorization header must be 'Bearer <token>'.") };
    return { token: match[1] };
  }
  const cookieHeader = req.headers.cookie;
  if (!cookieHeader) return {};
  const token = parseCookie(cookieHeader)[SESSION_COOKIE];
  return token ? { token } : {};
}

export async function buildContext(deps: ContextDeps, req: Request, res: Response): Promise<GraphQLContext> {
  return { ...(await requestContext(deps, req, res)), services: deps.services, req, res };
}

/** Authenticates an HTTP request (GraphQL, uploads, media) into a RequestContext for services. */
export async function requestContext(deps: Omit<ContextDeps, 'services'> & { services: Pick<Services, 'auth'> }, req: Request, res: Response): Promise<RequestContext> {
  const em = deps.orm.em.fork();
  const requestId = res.locals.requestId as string;
  const logger = deps.logger.child({ requestId });
  let actor: Actor = { kind: 'anonymous' };
  let authFailure: DomainError | undefined;
  const { token, problem } = credentialOf(req);
  if (problem) authFailure = problem;
  else if (token) {
    try {
      actor = await deps.services.auth.authenticate(em, deps.config.appSecret, token);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      authFailure = error;
    }
  }
  return {
    em,
    actor,
    authFailure,
    requestId,
    ip: req.ip,
    userAgent: req.headers['user-agent'],
    config: deps.config,
    logger,
  };
}
