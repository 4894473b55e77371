import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../domain/errors';
import { decodeCursor, encodeCursor, type CursorPart } from './pagination';

const forged = (key: string) => Buffer.from(`c:${key}`).toString('base64url');

function refusal(cursor: string, shape: readonly CursorPart[]): BadUserInputError | undefined {
  try {
    decodeCursor(cursor, shape);
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
  return undefined;
}

describe('cursor codec', () => {
  it('round-trips every kind of part', () => {
    const at = new Date('2026-11-30T01:02:03.456Z');
    const id = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    expect(decodeCursor(encodeCursor(at, id), ['timestamp', 'uuid'])).toEqual([at, id]);
    expect(decodeCursor(encodeCursor('9223372036854775807'), ['bigint'])).toEqual(['9223372036854775807']);
    expect(decodeCursor(encodeCursor(40), ['offset'])).toEqual([40]);
    expect(decodeCursor(encodeCursor(7), ['int'])).toEqual([7]);
    expect(decodeCursor(null, ['int'])).toBeUndefined();
  });

  it.each([
    ['a timestamp with a malformed id', forged('2026-11-30T01:02:03.456Z|notauuid'), ['timestamp', 'uuid']],
    ['an impossible date', forged('2026-02-31T01:02:03.456Z|3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b'), ['timestamp', 'uuid']],
    ['a timestamp in year 0, which PostgreSQL cannot compare (a forged seriesList cursor)', forged('0000-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000'), ['timestamp', 'uuid']],
    ['a key beyond bigint', forged('9999999999999999999'), ['bigint']],
    ['a negative key', forged('-1'), ['bigint']],
    ['an offset in exponent notation', forged('1e300'), ['offset']],
    ['an offset past the bound', forged('1000001'), ['offset']],
    ['a number beyond int', forged('2147483648'), ['int']],
    ['too many parts', forged('1|2'), ['int']],
    ['no prefix', Buffer.from('12').toString('base64url'), ['int']],
    ['characters outside base64url', 'a b', ['int']],
    ['a very long cursor', 'A'.repeat(1000), ['int']],
  ] as const)('refuses %s as BAD_USER_INPUT on field after', (_name, cursor, shape) => {
    const error = refusal(cursor, shape);
    expect(error?.field).toBe('after');
    expect(error?.message).toMatch(/^Is not a cursor returned by this API/);
  });

  it('takes the earliest instant PostgreSQL and ISO 8601 share, year 1', () => {
    const at = new Date('0001-01-01T00:00:00.000Z');
    expect(decodeCursor(encodeCursor(at, '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b'), ['timestamp', 'uuid'])?.[0]).toEqual(at);
  });
});
