import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import { DATABASE_RETRY_AFTER_SECONDS, databaseUnavailableOf, isDatabaseUnavailable } from '../db/unavailable';
import { BadUserInputError, ConflictError, DomainError } from '../domain/errors';
import type { GraphQLContext } from './context';
import { INT_RANGE } from './invalid-values';
import { tokenLimitOf } from './limits';

/** Codes that describe a bad request rather than a bug; GraphQL and Apollo raise these themselves. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
]);

/**
 * GraphQL's own input-coercion errors name the offending variable in prose
 * (`Variable "$input" got invalid value 0.5 at "input.amountMinor"; …`); lift it into `field` so
 * every BAD_USER_INPUT has one.
 */
function coercionField(message: string): string | undefined {
  const at = /got invalid value .*? at "([^"]+)"/.exec(message);
  if (at) return at[1];
  return /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)"/.exec(message)?.[1];
}

/** A coercion failure as a sentence about the field; the 32-bit limit of `Int` is named. */
function invalidValueMessage(message: string, field: string | undefined): string {
  // A whole variable is named as the operation declares it (`$first`), a part of one by its path.
  const subject = !field ? 'A value in the request' : field.includes('.') ? `The value of ${field}` : `The variable $${field}`;
  if (/non 32-bit signed integer/.test(message)) return `${subject} must be ${INT_RANGE}.`;
  if (/Int cannot represent non-integer/.test(message)) return `${subject} must be a whole number.`;
  if (/of required type .* was not provided|must not be null/.test(message)) return `${subject} is required.`;
  // An unknown input field or enum value is named (GraphQL's own clause, without the value quoted back).
  const named = /; ((?:Field "[^"]+" is not defined by type|Value "[^"]*" does not exist in) [^;]*)$/.exec(message)?.[1];
  return named ? `${subject} is not valid for its type: ${named}` : `${subject} is not valid for its type.`;
}

const INTERNAL_MESSAGE = 'Something went wrong on our side. Quote the request id when reporting it.';

function domainErrorOf(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof DomainError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

const camel = (column: string) => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * A database refusal that input caused — a unique key taken meanwhile, a value out of a column's
 * range, a check — is the caller's to fix (CONFLICT or BAD_USER_INPUT naming the column), never a
 * 500. Services check first; this catches what a race or a missed check lets through.
 */
export function databaseRefusalOf(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let i = 0; i < 6 && current && typeof current === 'object'; i++) {
    const e = current as { code?: unknown; column?: string; constraint?: string; originalError?: unknown; cause?: unknown; previous?: unknown };
    const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
    if (code) {
      // The constraint's last column (`episode_series_id_number_unique` → number) names the field.
      const fromConstraint = e.constraint?.replace(/_(unique|check|foreign|key|pkey|not_null)$/, '').split('_').pop();
      const field = camel(e.column ?? fromConstraint ?? 'input');
      if (code === '23505') return new ConflictError(`That ${field} is already taken; reload and try again.`, field);
      if (code === '23503') return new ConflictError('Something this refers to no longer exists; reload and try again.', field);
      if (code === '40001' || code === '40P01') return new ConflictError('Someone else changed this at the same time; try again.');
      if (code.startsWith('23') || code.startsWith('22')) return new BadUserInputError(field, `The value of ${field} cannot be stored.`);
      return undefined;
    }
    current = e.originalError ?? e.cause ?? e.previous;
  }
  return undefined;
}

/**
 * An operation the database's absence failed — its context (the caller's authentication) or any of
 * its fields — is answered 503 with Retry-After, so HTTP clients and proxies retry it as they would
 * any unavailable service; the errors say SERVICE_UNAVAILABLE, and the data that was read stays.
 * A mutation only when it is one field and that field gave nothing: mutations of several fields run
 * one after another, and a field that answered (its sub-fields failing) was saved, so sending the
 * whole operation again would repeat what was saved (its errors still say which field failed, and why).
 */
export const unavailableStatusPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors, operation }) {
        if (!errors?.some(isDatabaseUnavailable)) return;
        if (operation?.operation === 'mutation') {
          const [root, ...others] = operation.selectionSet.selections;
          if (!root || others.length || root.kind !== Kind.FIELD) return;
          const data = response.body.kind === 'single' ? response.body.singleResult.data : undefined;
          if (data?.[root.alias?.value ?? root.name.value] != null) return;
        }
        response.http.status = 503;
        response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      },
    };
  },
};

/**
 * The context (authentication) failing because the database is out of reach: Apollo answers a
 * context's failure itself, with a 500 unless the error names another status, and without the
 * plugins that add the request's id to every other answer's errors: `requestId` is given here.
 */
export function contextUnavailable(error: unknown, requestId: string): GraphQLError | undefined {
  const refusal = databaseUnavailableOf(error);
  if (!refusal) return undefined;
  return new GraphQLError(refusal.message, {
    originalError: refusal,
    extensions: { code: refusal.code, requestId, http: { status: 503, headers: new HeaderMap([['retry-after', String(DATABASE_RETRY_AFTER_SECONDS)]]) } },
  });
}

/** One error format: expected failures keep their code and message; anything else is masked. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const domain = domainErrorOf(error) ?? databaseRefusalOf(error) ?? databaseUnavailableOf(error) ?? tokenLimitOf(formatted);
  if (domain) {
    const requestId = formatted.extensions?.requestId;
    return { message: domain.message, path: formatted.path, locations: formatted.locations, extensions: { code: domain.code, reason: domain.reason, ...domain.details, ...(requestId ? { requestId } : {}) } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    void _stack;
    if (code === 'BAD_USER_INPUT') {
      // GraphQL's own wording quotes the whole variable back; say which field, in plain words.
      const field = coercionField(formatted.message);
      return { ...formatted, message: invalidValueMessage(formatted.message, field), extensions: { ...extensions, reason: 'INVALID_VALUE', ...(field ? { field } : {}) } };
    }
    return { ...formatted, extensions: { ...extensions, reason: code } };
  }
  return { message: INTERNAL_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * Logs unexpected errors with the request id (the client sees only the id), and stamps the id on
 * every error so support can find the log line.
 */
export const errorLoggingPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          if (domainErrorOf(error)) continue;
          const code = error.extensions?.code;
          if (typeof code === 'string' && CLIENT_CODES.has(code) && !error.originalError) continue;
          if (error instanceof GraphQLError && code && CLIENT_CODES.has(String(code))) continue;
          contextValue.logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error in GraphQL operation');
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? []) {
          (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
        }
      },
    };
  },
};
