import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session tokens and API keys are told apart by their prefix. */
export const SESSION_TOKEN_PREFIX = 'gls_';
export const API_KEY_PREFIX = 'glk_';
/** The shape of every token issued (session tokens, API keys): base64url, 10 to 200 characters. */
export const ISSUED_TOKEN = /^[A-Za-z0-9_-]{10,200}$/;

export const newSessionToken = (): string => SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
export const newInvitationToken = (): string => 'gli_' + randomBytes(24).toString('base64url');

/** `glk_<8 hex>_<secret>`: the first part is the visible, indexed prefix. */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = API_KEY_PREFIX + randomBytes(4).toString('hex');
  return { key: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export function apiKeyPrefixOf(key: string): string | undefined {
  const match = /^(glk_[0-9a-f]{8})_[A-Za-z0-9_-]{20,100}$/.exec(key);
  return match?.[1];
}

/**
 * Tokens are high-entropy, so a keyed hash (HMAC-SHA256 with the app secret) is the right store:
 * a database leak alone yields nothing usable. Passwords use argon2id instead.
 */
export const hashToken = (secret: string, token: string): string =>
  createHmac('sha256', secret).update(token).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
