import { describe, expect, it } from 'vitest';
import { byteRangeOf, ifRangeHolds } from './byte-range';

describe('byte ranges (RFC 9110)', () => {
  it('a suffix longer than the representation means all of it', () => {
    expect(byteRangeOf('bytes=-999999', 1000)).toEqual({ start: 0, end: 999 });
    expect(byteRangeOf('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
  });

  it('clips the last position and serves open ranges', () => {
    expect(byteRangeOf('bytes=0-', 1000)).toEqual({ start: 0, end: 999 });
    expect(byteRangeOf('bytes=10-99999', 1000)).toEqual({ start: 10, end: 999 });
  });

  it('is unsatisfiable past the end or for an empty suffix', () => {
    expect(byteRangeOf('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(byteRangeOf('bytes=-0', 1000)).toBe('unsatisfiable');
  });

  it('ignores what it may ignore: other units, several ranges, malformed or backwards ranges', () => {
    for (const header of ['items=0-1', 'bytes=0-1,5-6', 'bytes=abc', 'bytes=5-1', 'bytes=-', undefined]) expect(byteRangeOf(header, 1000), String(header)).toBeUndefined();
  });

  it('If-Range holds only for the same strong ETag', () => {
    expect(ifRangeHolds(undefined, '"a"')).toBe(true);
    expect(ifRangeHolds('"a"', '"a"')).toBe(true);
    expect(ifRangeHolds('W/"a"', '"a"')).toBe(false);
    expect(ifRangeHolds('Wed, 21 Oct 2026 07:28:00 GMT', '"a"')).toBe(false);
  });
});
