import { BadUserInputError } from '../../domain/errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(field, `${field} must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

/** Cursors are opaque to clients: base64url of the row's sort key. */
export const encodeCursor = (key: string): string => Buffer.from(`c:${key}`).toString('base64url');

export function decodeCursor(cursor: string | null | undefined, field = 'after'): string | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('c:') || decoded.length < 3 || decoded.length > 200) {
    throw new BadUserInputError(field, `${field} is not a cursor returned by this API.`);
  }
  return decoded.slice(2);
}
