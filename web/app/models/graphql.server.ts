import { print } from '@0no-co/graphql.web';
import { data, redirect } from '@remix-run/node';
import type { TadaDocumentNode } from '../../../schema/graphql';
import { env } from './env.server';
import { endSession, readSessionToken } from './session.server';

/** The codes the API puts in `extensions.code`; anything else is treated as our own bug. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const KNOWN_CODES = new Set<string>(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE']);

/** Whether `code` is one the API words for people (anything else is treated as our own bug). */
export const isKnownApiCode = (code: string | undefined): code is Exclude<ApiErrorCode, 'INTERNAL_SERVER_ERROR'> => code !== undefined && KNOWN_CODES.has(code);

export interface ApiError {
  code: ApiErrorCode;
  /** The API's `extensions.reason`: what went wrong, in a word to branch on (e.g. `CLAIM_LAPSED`). */
  reason: string;
  message: string;
  /** The form field the API blamed, without the `input.` prefix (e.g. `email`). */
  field?: string;
  /** Every field the API refused at once (`extensions.fieldErrors`), by the same names as `field`. */
  fieldErrors?: Record<string, string>;
  retryAfterSeconds?: number;
  requestId?: string;
  /** For CLAIM_HELD_BY_OTHER from claiming a case: who holds it and until when (`extensions.claimedBy`, `claimExpiresAt`). */
  claimedBy?: string;
  claimExpiresAt?: string;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** What a page shows when a request cannot be served; `requestId` only for our own failures. */
export interface PageError {
  message: string;
  requestId?: string;
}

interface GraphQLResponseBody<T> {
  data?: T | null;
  errors?: Array<{ message?: string; extensions?: Record<string, unknown> }>;
}

const OUR_FAULT = 'Something went wrong on our side. Quote the request id when reporting it.';

export function requestIdOf(request: Request): string | undefined {
  return request.headers.get('x-request-id') ?? undefined;
}

/**
 * Sends one GraphQL operation to the API on behalf of the browser's request: its session token
 * (unless `token` says otherwise), request id, address and user agent go along.
 */
export async function gql<T, V>(
  request: Request,
  document: TadaDocumentNode<T, V>,
  variables: V,
  options: { token?: string | null } = {},
): Promise<ApiResult<T>> {
  const query = printed(document);
  const token = options.token === undefined ? await readSessionToken(request) : options.token;
  const requestId = requestIdOf(request);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (requestId) headers['x-request-id'] = requestId;
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const userAgent = request.headers.get('user-agent');
  if (userAgent) headers['user-agent'] = userAgent;

  let body: GraphQLResponseBody<T>;
  try {
    const response = await fetch(env.apiUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(env.apiTimeoutMs),
    });
    body = (await response.json()) as GraphQLResponseBody<T>;
  } catch (error) {
    console.error(`[${requestId}] the API did not answer: ${String(error)}`);
    return { ok: false, error: { code: 'INTERNAL_SERVER_ERROR', reason: 'API_UNREACHABLE', message: 'The Greenlight API is not answering right now. Try again in a moment.', requestId } };
  }

  const first = body.errors?.[0];
  if (first) return { ok: false, error: toApiError(first, requestId) };
  if (!body.data) return { ok: false, error: { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL_SERVER_ERROR', message: OUR_FAULT, requestId } };
  return { ok: true, data: body.data };
}

const PRINTED = new WeakMap<object, string>();

/** The document's text, printed once per document. */
function printed<T, V>(document: TadaDocumentNode<T, V>): string {
  let text = PRINTED.get(document);
  if (text === undefined) {
    text = print(document);
    PRINTED.set(document, text);
  }
  return text;
}

/**
 * What the dashboard says for a reason it knows, in its own words; for others the API's sentence,
 * which for expected failures is written for people. A value GraphQL could not coerce is
 * described by its field, never by GraphQL's own text.
 */
const MESSAGES_BY_REASON: Record<string, string> = {
  INVALID_VALUE: 'This value is not accepted: it is too large or not in the expected format.',
  CLAIM_LAPSED: 'Your claim on this case has lapsed or the case was decided. Claim it again to decide it.',
  CLAIM_HELD_BY_OTHER: 'Another reviewer holds this case. Wait for them, or release their claim (leads) before deciding it.',
  CASE_VERSION_STALE: 'Someone else changed this case since you opened it. Reload it before deciding.',
  APPEAL_ALREADY_USED: 'This rejection has already been appealed; an appeal is allowed once.',
  DUB_DURATION_MISMATCH: 'A dub no longer runs as long as the video (the video was replaced after it). Upload the dub again for this video, or remove it, then submit.',
  APPEAL_OF_APPEAL: 'This is the decision on an appeal, which is final: it cannot be appealed again.',
};

function messageFor(reason: string, apiMessage: string | undefined): string {
  return MESSAGES_BY_REASON[reason] ?? apiMessage ?? 'The request failed.';
}

function toApiError(error: { message?: string; extensions?: Record<string, unknown> }, requestId: string | undefined): ApiError {
  const extensions = error.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : '';
  const id = typeof extensions.requestId === 'string' ? extensions.requestId : requestId;
  if (!isKnownApiCode(code)) {
    // A malformed query or an unexpected failure: not the user's doing, so no details for them.
    if (code !== 'INTERNAL_SERVER_ERROR') console.error(`[${id}] unexpected API error ${code}: ${error.message}`);
    return { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL_SERVER_ERROR', message: OUR_FAULT, requestId: id };
  }
  const field = typeof extensions.field === 'string' ? extensions.field.replace(/^input\./, '') : undefined;
  const retryAfterSeconds = typeof extensions.retryAfterSeconds === 'number' ? extensions.retryAfterSeconds : undefined;
  const reason = typeof extensions.reason === 'string' ? extensions.reason : code;
  const fieldErrors = fieldErrorsOf(extensions.fieldErrors, reason, field);
  const claimedBy = typeof extensions.claimedBy === 'string' ? extensions.claimedBy : undefined;
  const claimExpiresAt = typeof extensions.claimExpiresAt === 'string' ? extensions.claimExpiresAt : undefined;
  return { code: code as ApiErrorCode, reason, message: messageFor(reason, error.message), field, fieldErrors, retryAfterSeconds, requestId: id, claimedBy, claimExpiresAt };
}

/**
 * `extensions.fieldErrors` as field → message, fields named like `ApiError.field`. The reason is
 * the first field's (`field`): that one is worded by it as `messageFor` does, the others in the
 * API's own words (a range that ends before it starts beside a number too large).
 */
function fieldErrorsOf(value: unknown, reason: string, field: string | undefined): Record<string, string> | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const entry of value as Array<{ field?: unknown; message?: unknown }>) {
    if (typeof entry?.field !== 'string' || typeof entry.message !== 'string') continue;
    const name = entry.field.replace(/^input\./, '');
    out[name] ??= name === field ? messageFor(reason, entry.message) : entry.message;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Sends the browser to sign in, forgetting a token the API no longer accepts. */
export async function redirectToLogin(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  const target = back === '/' || back.startsWith('/login') ? '/login' : `/login?redirectTo=${encodeURIComponent(back)}`;
  return redirect(target, { headers: { 'Set-Cookie': await endSession() } });
}

const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export function statusOf(error: ApiError): number {
  return STATUS_BY_CODE[error.code];
}

/**
 * For loaders and for failures a form cannot explain: the data, or a thrown response — sign-in for
 * an ended session, otherwise an error page (with the request id when the fault is ours).
 */
export async function expectData<T>(request: Request, result: ApiResult<T>): Promise<T> {
  if (result.ok) return result.data;
  const { error } = result;
  if (error.code === 'UNAUTHENTICATED') throw await redirectToLogin(request);
  const page: PageError = { message: error.message };
  if (error.code === 'INTERNAL_SERVER_ERROR') page.requestId = error.requestId;
  throw data(page, { status: statusOf(error) });
}
