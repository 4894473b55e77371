import { parse, type Schema } from 'bcp-47';
import { basicFilter, lookup } from 'bcp-47-match';
import { z } from 'zod';

/*
 * The one rule for BCP 47 language tags (RFC 5646) in the API: every language a studio, a license,
 * a track or a partner names passes `languageSchema`, and languages are matched with RFC 4647
 * (`bcp-47-match`). Parsing is `bcp-47`'s strict mode, so a malformed tag is refused rather than
 * guessed at.
 */

const MAX_TAG_LENGTH = 35;

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

/** The tag in RFC 5646 §2.1.1 case: language lower, script title, region upper, the rest lower. */
function caseOf(tag: Schema): string {
  const parts: string[] = [];
  if (tag.language) parts.push(tag.language.toLowerCase(), ...tag.extendedLanguageSubtags.map((s) => s.toLowerCase()));
  if (tag.script) parts.push(title(tag.script));
  if (tag.region) parts.push(tag.region.toUpperCase());
  parts.push(...tag.variants.map((v) => v.toLowerCase()));
  for (const ext of tag.extensions) parts.push(ext.singleton.toLowerCase(), ...ext.extensions.map((s) => s.toLowerCase()));
  if (tag.privateuse.length) parts.push('x', ...tag.privateuse.map((s) => s.toLowerCase()));
  return parts.join('-');
}

/**
 * A well-formed BCP 47 tag in canonical case (legacy tags such as `i-klingon` become their
 * replacement, `tlh`), or null when the tag is malformed, names no language (private use only) or
 * is `und` (undetermined, which says nothing a partner can use).
 */
export function canonicalLanguageTag(tag: string): string | null {
  if (!tag || tag.length > MAX_TAG_LENGTH) return null;
  const parsed = parse(tag, { forgiving: false, warning: () => undefined });
  if (!parsed.language || parsed.language.toLowerCase() === 'und') return null;
  return caseOf(parsed);
}

/** The primary language subtag of a canonical tag: `es` for `es-MX`, `zh` for `zh-Hant-TW`. */
export const primaryLanguage = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/**
 * A BCP 47 language tag, trimmed and returned in canonical case; a malformed one is refused with a
 * message that names it (the caller's field goes with it: `input.language`, `language`, …).
 */
export const languageSchema = z
  .string()
  .trim()
  .transform((tag, ctx) => {
    const canonical = canonicalLanguageTag(tag);
    if (canonical) return canonical;
    const shown = tag.length > MAX_TAG_LENGTH ? `${tag.slice(0, MAX_TAG_LENGTH)}…` : tag;
    ctx.addIssue({ code: 'custom', message: `"${shown}" is not a BCP 47 language tag; use one such as en, es-MX or zh-Hans.` });
    return z.NEVER;
  });

/**
 * Which of the `available` languages (canonical tags) serves a reader asking for `requested`:
 * the tag itself, or a less specific one of it (RFC 4647 lookup: `es-MX` → `es`); otherwise one
 * with the same primary language (`es-MX` → `es-419`, the shortest, then alphabetical); otherwise
 * null.
 */
export function matchLanguage(requested: string, available: readonly string[]): string | null {
  if (!available.length) return null;
  // bcp-47-match returns the first listed tag that any truncation of the range equals: listed
  // longest first, that is the most specific one (en-GB before en for a reader asking en-GB).
  const exact = lookup([...available].sort((a, b) => b.length - a.length), requested);
  if (exact) return available.find((t) => t.toLowerCase() === exact.toLowerCase()) ?? exact;
  const sameLanguage = basicFilter([...available], primaryLanguage(requested));
  if (!sameLanguage.length) return null;
  return [...sameLanguage].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0]!;
}
