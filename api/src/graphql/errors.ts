import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/errors';
import type { GraphQLContext } from './context';
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
  if (/non 32-bit signed integer/.test(message)) return `${subject} is too large: whole numbers go from -2147483648 to 2147483647.`;
  if (/Int cannot represent non-integer/.test(message)) return `${subject} must be a whole number.`;
  if (/of required type .* was not provided|must not be null/.test(message)) return `${subject} is required.`;
  return `${subject} is not valid for its type.`;
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

/** One error format: expected failures keep their code and message; anything else is masked. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const domain = domainErrorOf(error) ?? tokenLimitOf(formatted);
  if (domain) {
    return { message: domain.message, path: formatted.path, locations: formatted.locations, extensions: { code: domain.code, reason: domain.reason, ...domain.details } };
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
