import { createCookie } from '@remix-run/node';
import { env } from './env.server';

/**
 * The browser keeps the API session token in the dashboard's own cookie; the browser never talks
 * to the API directly, so the token is only ever sent to this server.
 */
const sessionCookie = createCookie('gl_session', {
  httpOnly: true,
  sameSite: 'lax',
  secure: env.isProduction,
  path: '/',
});

/** Which organization the user is working in, when they belong to more than one. */
const organizationCookie = createCookie('gl_org', {
  httpOnly: true,
  sameSite: 'lax',
  secure: env.isProduction,
  path: '/',
  maxAge: 60 * 60 * 24 * 365,
});

export async function readSessionToken(request: Request): Promise<string | undefined> {
  const value: unknown = await sessionCookie.parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function startSession(token: string, expiresAt: string): Promise<string> {
  return sessionCookie.serialize(token, { expires: new Date(expiresAt) });
}

export function endSession(): Promise<string> {
  return sessionCookie.serialize('', { expires: new Date(0) });
}

export async function readSelectedOrganization(request: Request): Promise<string | undefined> {
  const value: unknown = await organizationCookie.parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function selectOrganization(organizationId: string): Promise<string> {
  return organizationCookie.serialize(organizationId);
}

export function forgetSelectedOrganization(): Promise<string> {
  return organizationCookie.serialize('', { expires: new Date(0) });
}
