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
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '');
}

// Whitespace, separators and format characters (U+200B, U+200E, U+FEFF …) and the blank-looking
// letters (braille blank, Hangul fillers) draw nothing on screen.
const INVISIBLE = /[\s\p{Z}\p{Cf}\u2800\u3164\uFFA0\u115F\u1160]/gu;

/**
 * The one rule for text that must be seen (titles, AI labels and disclosures, reasons, subtitle
 * cues): it has at least one character that draws something. Zero-width and other format
 * characters (\p{Cf}) and whitespace alone count as blank, so they cannot satisfy a duty to show text.
 */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}
