/**
 * The byte range to send for a `Range` header, per RFC 9110 §14: one `bytes` range, a suffix range
 * (`-N`, the last N bytes — the whole representation when N is larger than it), or an open range
 * (`N-`). Several ranges are answered with the whole representation, which the standard allows.
 * `'unsatisfiable'` is a 416; `undefined` means send everything (no range, or a header to ignore).
 */
export function byteRangeOf(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=([^,]*)$/.exec(header.trim());
  // Other units, several ranges, or a malformed header: the server may ignore Range (§14.2).
  if (!match) return undefined;
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(match[1]!);
  if (!spec || (spec[1] === '' && spec[2] === '')) return undefined;
  const [, first, last] = spec;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * Whether an `If-Range` validator still names this representation: a strong ETag, compared
 * strongly; a date validator is never strong enough here (no Last-Modified is sent), so a
 * conditional range request gets the whole representation (§13.1.5).
 */
export const ifRangeHolds = (ifRange: string | undefined, etag: string): boolean => ifRange === undefined || ifRange.trim() === etag;
