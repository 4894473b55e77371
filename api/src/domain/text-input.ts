/**
 * The rule every piece of text from outside goes through (GraphQL arguments, input fields and
 * variables; tus upload metadata): control characters other than tab, line feed and carriage
 * return are refused — PostgreSQL cannot store U+0000 and the others only ever hide or forge
 * content — and what is kept is normalized to Unicode NFC, so that "Café" typed with a combining
 * accent and with a precomposed é is one title and one search term.
 */
// C0 controls except \t \n \r, DEL, and the C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is this rule's purpose
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextInput = { ok: true; text: string } | { ok: false; problem: string };

export function acceptText(value: string): TextInput {
  const bad = FORBIDDEN_CONTROL.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return { ok: false, problem: `Contains the control character U+${code}; only tab, line feed and carriage return are allowed.` };
  }
  // Lone surrogates cannot be stored as UTF-8 either.
  if (LONE_SURROGATE.test(value)) return { ok: false, problem: 'Contains a broken Unicode character (a lone surrogate).' };
  return { ok: true, text: value.normalize('NFC') };
}
