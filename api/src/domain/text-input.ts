/**
 * The rule every piece of text from outside goes through (GraphQL arguments, input fields and
 * variables; tus upload metadata): control characters other than tab, line feed and carriage
 * return are refused — PostgreSQL cannot store U+0000 and the others only ever hide or forge
 * content — and what is kept is normalized to Unicode NFC, so that "Café" typed with a combining
 * accent and with a precomposed é is one title and one search term. The bidi override, embedding
 * and isolate controls (U+202A–U+202E, U+2066–U+2069) are refused too: they reorder what a reader
 * sees against what is stored (a title reading one way and searching another, a label spoofed
 * backwards); right-to-left text needs none of them, and the marks U+200E/U+200F stay allowed.
 */
// C0 controls except \t \n \r, DEL, and the C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is this rule's purpose
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// The 66 noncharacters (Unicode §23.7): U+FDD0–U+FDEF and the last two code points of every plane.
// They are for a program's own use and never for interchange; U+FFFE is a byte-swapped BOM.
const NONCHARACTER = /[\uFDD0-\uFDEF\uFFFE\uFFFF\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;

export type TextInput = { ok: true; text: string } | { ok: false; problem: string };

export function acceptText(value: string): TextInput {
  const bad = FORBIDDEN_CONTROL.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return { ok: false, problem: `Contains the control character U+${code}; only tab, line feed and carriage return are allowed.` };
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) {
    const code = bidi[0].codePointAt(0)!.toString(16).toUpperCase();
    return { ok: false, problem: `Contains the bidirectional control character U+${code}, which reorders how the text is shown; use the marks U+200E/U+200F if needed.` };
  }
  // Lone surrogates cannot be stored as UTF-8 either.
  if (LONE_SURROGATE.test(value)) return { ok: false, problem: 'Contains a broken Unicode character (a lone surrogate).' };
  const nonchar = NONCHARACTER.exec(value);
  if (nonchar) return { ok: false, problem: `Contains U+${nonchar[0].codePointAt(0)!.toString(16).toUpperCase()}, which is not a character for text (a Unicode noncharacter).` };
  return { ok: true, text: value.normalize('NFC') };
}

/**
 * Text from a machine rather than a person (a model's transcript): the characters `acceptText` refuses
 * are removed instead, so one stray control character does not cost the whole text.
 */
export function withoutRefusedCharacters(value: string): string {
  return value
    .replace(new RegExp(FORBIDDEN_CONTROL.source, 'g'), '')
    .replace(new RegExp(BIDI_CONTROL.source, 'g'), '')
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '')
    .replace(new RegExp(NONCHARACTER.source, 'gu'), '');
}

// Whitespace, separators and format characters (U+200B, U+200E, U+FEFF …) and the blank-looking
// letters (braille blank, Hangul fillers) draw nothing on screen; marks (\p{M}: combining accents,
// variation selectors) draw only on a base character, so alone they show nothing either.
const INVISIBLE = /[\s\p{Z}\p{Cf}\p{M}\u2800\u3164\uFFA0\u115F\u1160]/gu;

/**
 * The one rule for text that must be seen (titles, AI labels and disclosures, reasons, subtitle
 * cues): it has at least one character that draws something. Zero-width and other format
 * characters (\p{Cf}), marks without a base (\p{M}) and whitespace alone count as blank, so they
 * cannot satisfy a duty to show text.
 */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}
