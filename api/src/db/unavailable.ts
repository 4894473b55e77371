import { ServiceUnavailableError } from '../domain/errors';

/**
 * SQLSTATEs that say the database could not be reached or ended the session, not that a statement
 * was wrong (PostgreSQL, Appendix A): class 08 (connection exception), 53300 (too many connections),
 * 57P01–57P03 (administrator or crash shutdown, cannot connect now).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123])$/;
/** Socket failures reaching the database. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * The pg driver's, its pool's and knex's words for a lost or unobtainable connection (they carry no
 * code), and PostgreSQL's for a database closed to connections (55000, a class too wide to take whole).
 */
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended unexpectedly|Knex: Timeout acquiring a connection|database ".+" is not currently accepting connections)/;

/**
 * Whether `error`, or an error it wraps (`originalError`, `cause`, `previous`: GraphQL, the ORM and
 * knex each wrap), says the database is out of reach for now: such a request is worth retrying in a
 * few seconds (503 with Retry-After), where any other failure is a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; originalError?: unknown; cause?: unknown; previous?: unknown };
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    current = e.originalError ?? e.cause ?? e.previous;
  }
  return false;
}

/** How long a client is asked to wait before retrying a request the database's absence refused (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The database out of reach (isDatabaseUnavailable) as the refusal every endpoint answers with; otherwise undefined. */
export function databaseUnavailableOf(error: unknown): ServiceUnavailableError | undefined {
  return isDatabaseUnavailable(error) ? new ServiceUnavailableError(DATABASE_RETRY_AFTER_SECONDS) : undefined;
}
