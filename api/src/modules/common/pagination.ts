import { BadUserInputError } from '../../domain/errors';
import { isId } from './ids';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** Offset cursors (ranked lists such as the review queue) never point further than this. */
export const MAX_CURSOR_OFFSET = 1_000_000;

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(field, `Must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * The typed parts a cursor's sort key is made of. Each part checks the text it decodes so that a
 * cursor a client made up (or edited) can never reach a query as an impossible value.
 */
const cursorParts = {
  /** A row id (UUID). */
  uuid: (text: string) => (isId(text) ? text.toLowerCase() : undefined),
  /** A PostgreSQL bigint key (positive), kept as a string. */
  bigint: (text: string) => (/^\d{1,19}$/.test(text) && BigInt(text) <= MAX_BIGINT ? text : undefined),
  /** A position in a ranked list, 0 to MAX_CURSOR_OFFSET. */
  offset: (text: string) => (/^\d{1,7}$/.test(text) && Number(text) <= MAX_CURSOR_OFFSET ? Number(text) : undefined),
  /** A positive 32-bit integer such as an episode number. */
  int: (text: string) => (/^\d{1,10}$/.test(text) && Number(text) <= 2_147_483_647 ? Number(text) : undefined),
  /**
   * An instant, as written by `Date.toISOString()`, from year 1 on: year 0 is valid ISO 8601 but no
   * date PostgreSQL can compare with, so it never reaches a query.
   */
  timestamp: (text: string) => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(text)) return undefined;
    const at = new Date(text);
    return Number.isNaN(at.getTime()) || at.toISOString() !== text || at.getUTCFullYear() < 1 ? undefined : at;
  },
} as const;

export type CursorPart = keyof typeof cursorParts;
type Decoded<P extends readonly CursorPart[]> = { [K in keyof P]: NonNullable<ReturnType<(typeof cursorParts)[P[K]]>> };

/** Cursors are opaque to clients: base64url of `c:` and the row's sort key parts joined by `|`. */
export const encodeCursor = (...parts: Array<string | number | Date>): string =>
  Buffer.from(`c:${parts.map((p) => (p instanceof Date ? p.toISOString() : String(p))).join('|')}`).toString('base64url');

/**
 * The one way a connection reads `after`: the cursor must decode to exactly `shape`'s parts, each
 * valid, or the request fails with BAD_USER_INPUT naming `field`. No cursor gives `undefined`.
 */
export function decodeCursor<const P extends readonly CursorPart[]>(cursor: string | null | undefined, shape: P, field = 'after'): Decoded<P> | undefined {
  if (cursor === null || cursor === undefined || cursor === '') return undefined;
  const refuse = () => new BadUserInputError(field, 'Is not a cursor returned by this API; pass a pageInfo.endCursor as it came.');
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('c:')) throw refuse();
  const texts = decoded.slice(2).split('|');
  if (texts.length !== shape.length) throw refuse();
  const values = shape.map((part, i) => cursorParts[part](texts[i]!));
  if (values.some((v) => v === undefined)) throw refuse();
  return values as Decoded<P>;
}
