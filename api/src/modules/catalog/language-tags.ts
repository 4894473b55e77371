import { parse, type Schema } from 'bcp-47';
import { basicFilter } from 'bcp-47-match';
import parentLocalesData from 'cldr-core/supplemental/parentLocales.json';
import likelySubtagsData from 'cldr-core/supplemental/likelySubtags.json';
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

/** Tags that are well formed but name no specific language: undetermined, the root locale, multiple languages, no linguistic content. */
const NOT_A_LANGUAGE = new Set(['und', 'root', 'mul', 'zxx']);

/**
 * A well-formed BCP 47 tag in its canonical form, or null when the tag is malformed, names no
 * language (private use only) or no specific one (`und`, `root`, `mul`, `zxx`). Canonical means one
 * spelling per language, so each is stored once: legacy tags become their replacement (`i-klingon`
 * → `tlh`), an extended language subtag its language (`zh-yue` → `yue`, RFC 5646 §4.5), deprecated
 * and alias subtags their preferred values (`iw` → `he`, `in` → `id`, `cmn` → `zh`; CLDR's aliases,
 * through `Intl.getCanonicalLocales`), and every subtag its case (`es-MX`, `zh-Hant`).
 */
export function canonicalLanguageTag(tag: string): string | null {
  if (!tag || tag.length > MAX_TAG_LENGTH) return null;
  const parsed = parse(tag, { forgiving: false, warning: () => undefined });
  if (!parsed.language) return null;
  // An extended language subtag is the language itself in its preferred form: zh-yue is yue.
  const extlang = parsed.extendedLanguageSubtags[0];
  const cased = caseOf({ ...parsed, language: extlang ?? parsed.language, extendedLanguageSubtags: [] });
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(cased)[0]!;
  } catch {
    return null;
  }
  if (NOT_A_LANGUAGE.has(primaryLanguage(canonical))) return null;
  return canonical;
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
    const unspecific = NOT_A_LANGUAGE.has(primaryLanguage(tag));
    ctx.addIssue({ code: 'custom', message: unspecific ? `"${shown}" names no specific language; use one such as en, es-MX or zh-Hans.` : `"${shown}" is not a BCP 47 language tag; use one such as en, es-MX or zh-Hans.` });
    return z.NEVER;
  });

/** CLDR's explicit parents (`es-MX` → `es-419`, `en-IN` → `en-001`), shipped inside `cldr-core`. */
const CLDR_PARENTS: Readonly<Record<string, string>> = parentLocalesData.supplemental.parentLocales.parentLocale;
/** CLDR's likely subtags (`zh` → `zh-Hans-CN`), for the script a language is written in by default. */
const LIKELY_SUBTAGS: Readonly<Record<string, string>> = likelySubtagsData.supplemental.likelySubtags;
const SCRIPT = /^[A-Z][a-z]{3}$/;

/**
 * The locale CLDR falls back to from `tag` (canonical case), or null at the root: its explicit
 * parent (`es-MX` → `es-419`, `pt-AO` → `pt-PT`), else the tag less its last subtag (`es-419` →
 * `es`) — except that a script other than the language's usual one has no parent but the root
 * (`zh-Hant` never falls back to `zh`, which is written in Simplified Han).
 */
export function parentLanguage(tag: string): string | null {
  const explicit = CLDR_PARENTS[tag];
  if (explicit) return explicit === 'root' || explicit === 'und' ? null : explicit;
  const subtags = tag.split('-');
  if (subtags.length < 2) return null;
  const parent = subtags.slice(0, -1).join('-');
  const last = subtags.at(-1)!;
  if (subtags.length === 2 && SCRIPT.test(last)) {
    const likely = LIKELY_SUBTAGS[subtags[0]!]?.split('-')[1];
    if (likely && likely !== last) return null;
  }
  return parent;
}

/** `tag` and every locale it falls back to, most specific first: `es-MX`, `es-419`, `es`. */
export function languageFallbacks(tag: string): string[] {
  const chain: string[] = [];
  for (let current: string | null = tag; current && !chain.includes(current); current = parentLanguage(current)) chain.push(current);
  return chain;
}

/**
 * The script `tag` (canonical case) is written in: its own script subtag, else CLDR's likely script
 * for its language and region (`zh-TW` → `Hant`, `zh` → `Hans`, `sr` → `Cyrl`), else null (unknown).
 */
export function likelyScript(tag: string): string | null {
  const subtags = tag.split('-');
  const own = subtags.find((s, i) => i > 0 && SCRIPT.test(s));
  if (own) return own;
  const language = subtags[0]!;
  const region = subtags.find((s, i) => i > 0 && /^([A-Z]{2}|\d{3})$/.test(s));
  const likely = (region && LIKELY_SUBTAGS[`${language}-${region}`]) || LIKELY_SUBTAGS[language];
  return likely?.split('-').find((s, i) => i > 0 && SCRIPT.test(s)) ?? null;
}

/** `tag` with its likely script written out (`zh-TW` → `zh-Hant-TW`, `es-MX` → `es-Latn-MX`), so tags compare by script. */
function withScript(tag: string): string {
  const subtags = tag.split('-');
  if (subtags.some((s, i) => i > 0 && SCRIPT.test(s))) return tag;
  const script = likelyScript(tag);
  return script ? [subtags[0]!, script, ...subtags.slice(1)].join('-') : tag;
}

/**
 * What a reader of `tag` may be served, most specific first, each with its script written out
 * (lower case): the CLDR fallbacks of the tag as written and of the tag with its likely script, less
 * any in another script — `zh-TW` → `zh-hant-tw`, `zh-hant` (never `zh`, Simplified); `sr-Cyrl` →
 * `sr-cyrl` (never `sr-Latn`).
 */
function fallbackKeys(tag: string): string[] {
  const script = likelyScript(tag);
  const keys = [...languageFallbacks(tag), ...languageFallbacks(withScript(tag))].filter((t) => !script || likelyScript(t) === script).map((t) => withScript(t).toLowerCase());
  return [...new Set(keys)];
}

/**
 * Which of the `available` languages (canonical tags) serves a reader asking for `requested`
 * (canonical), never one written in another script (CLDR likely subtags fill in the script a tag
 * leaves out: `zh-TW` is Traditional Han, `zh` Simplified): the first of the requested tag's CLDR
 * fallbacks that is available (`es-MX` → `es-419` → `es`; `zh-TW` → `zh-Hant-TW` → `zh-Hant`);
 * otherwise, among tags of the same primary language and script, the one whose own fallbacks meet
 * the requested tag's soonest (`es-AR` before `es-ES` for a reader of `es-MX`: it falls back through
 * `es-419`), then the one nearest that meeting point (the more general: `es-419` before `es-MX` for a
 * reader of `es-ES`), then alphabetical; otherwise null.
 */
export function matchLanguage(requested: string, available: readonly string[]): string | null {
  if (!available.length) return null;
  const wanted = fallbackKeys(requested);
  const script = likelyScript(requested);
  const byKey = new Map<string, string>();
  for (const tag of available) if (!byKey.has(withScript(tag).toLowerCase())) byKey.set(withScript(tag).toLowerCase(), tag);
  for (const key of wanted) {
    const hit = byKey.get(key);
    if (hit) return hit;
  }
  const sameLanguage = basicFilter([...available], primaryLanguage(requested)).filter((tag) => !script || likelyScript(tag) === script);
  if (!sameLanguage.length) return null;
  /** Where the candidate's fallbacks meet the requested tag's: [steps from the request, steps from the candidate]. */
  const meeting = (tag: string): [number, number] => {
    const theirs = fallbackKeys(tag);
    const at = wanted.findIndex((t) => theirs.includes(t));
    return at < 0 ? [wanted.length, theirs.length] : [at, theirs.indexOf(wanted[at]!)];
  };
  const ranked = sameLanguage.map((tag) => ({ tag, near: meeting(tag) }));
  ranked.sort((a, b) => a.near[0] - b.near[0] || a.near[1] - b.near[1] || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return ranked[0]!.tag;
}
