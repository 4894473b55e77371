import { ERRORS, TUS_RESUMABLE, TUS_VERSION } from '@tus/server';
import type { Response as ExpressResponse } from 'express';
import { DomainError, type ErrorCode } from '../domain/errors';
import { formatBytes, UploadRefusedError, type UploadRefusal } from '../modules/media/upload.service';

/** A refusal of ours, not the caller's: masked, logged, and worded as such. */
export class UploadFailedError extends Error {
  readonly reason = 'INTERNAL_SERVER_ERROR' as const;
  constructor() {
    super('Something went wrong on our side while taking the upload. Resume to try again; quote the request id if it keeps happening.');
  }
}

/** `ROLE_REQUIRED`: the one refusal by role (domain/access.ts `roleRequired`), which uploads share. */
export type UploadRefusalReason = UploadRefusal | ErrorCode | 'ROLE_REQUIRED' | UploadFailedError['reason'] | UnreadableRequestReason;

/** Requests Node's HTTP parser refuses before any handler (http/unreadable-requests.ts): any endpoint's, uploads' included. */
export type UnreadableRequestReason = 'HEADERS_TOO_LARGE' | 'REQUEST_TIMEOUT' | 'REQUEST_MALFORMED';

/**
 * The upload endpoint's one table from a refusal's reason (`extensions.reason` in GraphQL) to its HTTP
 * status: services and the tus protocol checks name reasons and never choose a status. Every refusal
 * at the endpoint — ours, the tus library's, authentication, rate limits — leaves with one of these
 * reasons in the `Upload-Refusal-Reason` header and a sentence of ours as the body.
 */
export const UPLOAD_STATUS: Record<UploadRefusalReason, number> = {
  BAD_USER_INPUT: 400,
  REQUEST_MALFORMED: 400,
  UPLOAD_METADATA_INVALID: 400,
  UPLOAD_LENGTH_REQUIRED: 400,
  UPLOAD_LENGTH_INVALID: 400,
  UPLOAD_OFFSET_REQUIRED: 400,
  UPLOAD_OFFSET_INVALID: 400,
  UPLOAD_HEADER_INVALID: 400,
  UPLOAD_EXTENSION_UNSUPPORTED: 400,
  UPLOAD_EMPTY: 400,
  UPLOAD_TOO_LONG: 400,
  UPLOAD_DURATION_MISMATCH: 400,
  UPLOAD_LANGUAGE_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ROLE_REQUIRED: 403,
  NOT_FOUND: 404,
  UPLOAD_METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  UPLOAD_OFFSET_CONFLICT: 409,
  UPLOAD_FINISHED: 409,
  UPLOAD_VIDEO_REQUIRED: 409,
  REPLACEMENT_CANCELS_REVIEW: 409,
  UPLOAD_GONE: 410,
  TUS_RESUMABLE_UNSUPPORTED: 412,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_LENGTH_EXCEEDED: 413,
  UPLOAD_TYPE_NOT_ACCEPTED: 415,
  UPLOAD_TYPE_MISMATCH: 415,
  UPLOAD_CONTENT_TYPE_INVALID: 415,
  UPLOAD_BUSY: 423,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};
export const REFUSAL_HEADER = 'Upload-Refusal-Reason';

export type Refusal = DomainError | UploadFailedError;

export function statusOfRefusal(refusal: Refusal): number {
  if (refusal instanceof UploadFailedError) return UPLOAD_STATUS.INTERNAL_SERVER_ERROR;
  return (UPLOAD_STATUS as Record<string, number>)[refusal.reason] ?? UPLOAD_STATUS[refusal.code];
}

/** tus's one type for bytes of the file (a PATCH's, a creation's first bytes): the library writes no other body. */
const UPLOAD_BYTES_TYPE = 'application/offset+octet-stream';

const refused = (reason: UploadRefusal, message: string) => new UploadRefusedError(reason, message);

type LibraryError = keyof typeof ERRORS;

/**
 * The tus library's own refusals, each in our words with our reason. Exhaustive over its error list,
 * so a library update that adds one fails the typecheck here. `stage` tells a creation's checks (a POST
 * before its upload is recorded) from a write (a PATCH, or a POST's own bytes) where the library uses one
 * error for both.
 */
export type UploadStage = 'creation' | 'write';

const LIBRARY_REFUSALS: Record<LibraryError, (stage: UploadStage, maxBytes: number) => Refusal> = {
  MISSING_OFFSET: () => refused('UPLOAD_OFFSET_REQUIRED', 'A PATCH must say at which byte its data starts (the Upload-Offset header).'),
  // Said of the request whose lock another asked for, and of one whose lock was lost with its database session.
  ABORTED: () => refused('UPLOAD_BUSY', 'This request stopped writing: another request took over the upload, or its lock was lost. Ask where it stands (HEAD) and resume from its Upload-Offset.'),
  INVALID_TERMINATION: () => refused('UPLOAD_FINISHED', 'This upload has finished; it can no longer be cancelled.'),
  // Held by another request, or not takeable at all while the database refuses connections.
  ERR_LOCK_TIMEOUT: () => refused('UPLOAD_BUSY', 'The upload could not be locked for writing: another request is still writing to it, or the lock cannot be taken just now. Wait a moment, then resume.'),
  INVALID_CONTENT_TYPE: () => refused('UPLOAD_CONTENT_TYPE_INVALID', `A PATCH must send its bytes as Content-Type: ${UPLOAD_BYTES_TYPE}.`),
  FILE_NOT_FOUND: () => new UploadNotFound(),
  INVALID_OFFSET: () => refused('UPLOAD_OFFSET_CONFLICT', 'The Upload-Offset does not match the bytes already received. Ask where the upload stands (HEAD) and resume from there.'),
  FILE_NO_LONGER_EXISTS: () => refused('UPLOAD_GONE', 'This upload has expired; start a new one.'),
  ERR_SIZE_EXCEEDED: () => lengthExceeded(),
  // At creation: an Upload-Length over the limit. In a PATCH: a body running past what is left of the declared length.
  ERR_MAX_SIZE_EXCEEDED: (stage, maxBytes) => (stage === 'creation' ? refused('UPLOAD_TOO_LARGE', `The file is larger than the ${formatBytes(maxBytes)} limit (Upload-Length).`) : lengthExceeded()),
  INVALID_LENGTH: (stage) =>
    stage === 'creation'
      ? refused('UPLOAD_LENGTH_REQUIRED', 'Declare the file size (the Upload-Length header) when creating the upload.')
      : refused('UPLOAD_LENGTH_INVALID', 'The upload’s length was declared at creation; a PATCH must not send Upload-Length.'),
  INVALID_METADATA: () => metadataMalformed(),
  UNKNOWN_ERROR: () => new UploadFailedError(),
  FILE_WRITE_ERROR: () => new UploadFailedError(),
  UNSUPPORTED_CONCATENATION_EXTENSION: () => refused('UPLOAD_EXTENSION_UNSUPPORTED', 'Uploads in parts (the Upload-Concat header) are not accepted; send the file as one upload.'),
  UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION: () => refused('UPLOAD_LENGTH_REQUIRED', 'Declare the file size (the Upload-Length header) when creating the upload; it cannot be deferred.'),
  UNSUPPORTED_EXPIRATION_EXTENSION: () => new UploadFailedError(),
};

class UploadNotFound extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  constructor() {
    super('No such upload.');
  }
}

const lengthExceeded = () => refused('UPLOAD_LENGTH_EXCEEDED', 'The data sent runs past the file size declared at creation (Upload-Length). Nothing past that size was stored; ask where the upload stands (HEAD) for what was.');
const metadataMalformed = () =>
  refused('UPLOAD_METADATA_INVALID', 'The Upload-Metadata header must be comma-separated pairs of a key and its base64 value, separated by a space, each key once.');

/** Our refusal for an error the tus library threw; undefined when it is none of its known refusals. */
export function libraryRefusal(error: unknown, stage: UploadStage, maxBytes: number): Refusal | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const body = (error as { body?: unknown }).body;
  // The library throws its constants, or an Error carrying one's body (the size limiter).
  const name = (Object.keys(ERRORS) as LibraryError[]).find((key) => ERRORS[key] === error || (typeof body === 'string' && ERRORS[key].body === body));
  return name ? LIBRARY_REFUSALS[name](stage, maxBytes) : undefined;
}

/** What each tus header must be, and the refusal when it is not (the library answers these before any hook runs). */
const HEADER_REFUSALS: Record<string, () => Refusal> = {
  'tus-resumable': () => tusVersionRefusal(),
  'upload-offset': () => refused('UPLOAD_OFFSET_INVALID', 'The Upload-Offset header must be a whole number of bytes, 0 or more.'),
  'upload-length': () => refused('UPLOAD_LENGTH_INVALID', 'The Upload-Length header must be the file size as a whole number of bytes.'),
  'upload-defer-length': () => refused('UPLOAD_LENGTH_REQUIRED', 'Declare the file size (the Upload-Length header) when creating the upload; it cannot be deferred.'),
  'upload-metadata': () => metadataMalformed(),
  'content-type': () => refused('UPLOAD_CONTENT_TYPE_INVALID', `A PATCH must send its bytes as Content-Type: ${UPLOAD_BYTES_TYPE}.`),
  'upload-concat': () => refused('UPLOAD_EXTENSION_UNSUPPORTED', 'Uploads in parts (the Upload-Concat header) are not accepted; send the file as one upload.'),
};

/**
 * A creation carrying a body (tus creation-with-upload), refused before the upload is recorded: a body
 * of any other Content-Type, which the library would leave unread while answering 201 as if it were
 * the file's first bytes; and a Content-Length that already runs past the declared Upload-Length.
 * Undefined otherwise (no body, whatever its Content-Type; or a streamed one, whose excess the write
 * itself refuses).
 */
export function creationBodyRefusal(headers: { get(name: string): string | null }, declared: number | undefined): Refusal | undefined {
  const contentLength = headers.get('content-length');
  const bytes = contentLength === null ? undefined : Number(contentLength);
  // A Transfer-Encoding (chunked) announces a body of a length not given.
  const hasBody = bytes === undefined ? headers.get('transfer-encoding') !== null : bytes > 0;
  if (!hasBody) return undefined;
  if (headers.get('content-type') !== UPLOAD_BYTES_TYPE) {
    return refused('UPLOAD_CONTENT_TYPE_INVALID', `A creation may carry the file’s first bytes only as Content-Type: ${UPLOAD_BYTES_TYPE}. Send them with that type, or create the upload without a body.`);
  }
  return declared !== undefined && bytes !== undefined && Number.isSafeInteger(bytes) && bytes > declared ? lengthExceeded() : undefined;
}

export function tusVersionRefusal(): Refusal {
  return refused('TUS_RESUMABLE_UNSUPPORTED', `Send the Tus-Resumable header with the protocol version this server speaks: ${TUS_VERSION.join(', ')}.`);
}

/** A tus request must name the version it speaks (every method but OPTIONS); undefined when it does. */
export function protocolRefusal(method: string, tusResumable: string | undefined): Refusal | undefined {
  if (method === 'OPTIONS') return undefined;
  return tusResumable === TUS_RESUMABLE ? undefined : tusVersionRefusal();
}

/**
 * The refusal for a response the library wrote itself without asking us (`Invalid <header> …` for
 * headers its validators reject): the first named header's rule, or a refusal naming them.
 */
export function headerRefusal(libraryBody: string): Refusal {
  const names = /^Invalid (.+)$/.exec(libraryBody.trim())?.[1]?.split(' ') ?? [];
  const known = names.map((n) => HEADER_REFUSALS[n.toLowerCase()]).find(Boolean);
  if (known) return known();
  return refused('UPLOAD_HEADER_INVALID', names.length ? `The ${names.join(', ')} header${names.length > 1 ? 's are' : ' is'} not valid for a tus upload.` : 'A header of this request is not valid for a tus upload.');
}

/** Answers `res` with `refusal`: its status from the table, its reason in the header, its words as the body. */
export function sendUploadRefusal(res: ExpressResponse, refusal: Refusal): void {
  res.status(statusOfRefusal(refusal)).setHeader(REFUSAL_HEADER, refusal.reason);
  // A refusal that passes with time (the database back) says when to try again, as a rate limit does.
  if (refusal instanceof DomainError && typeof refusal.details.retryAfterSeconds === 'number') res.setHeader('Retry-After', refusal.details.retryAfterSeconds);
  res.setHeader('Access-Control-Expose-Headers', REFUSAL_HEADER);
  res.type('text').send(`${refusal.message}\n`);
}
