import type { ApiError } from './graphql.server';
import { formString } from './forms.server';

/** What a form field parses to, or the message to show beside it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "en, zh-Hans" or one per line → ["en", "zh-Hans"]. */
export function formList(form: FormData, name: string): string[] {
  return formString(form, name)
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Every value of a repeated field (checkboxes), trimmed, blanks dropped. */
export function formValues(form: FormData, name: string): string[] {
  return form
    .getAll(name)
    .map((v) => (typeof v === 'string' ? v.trim() : ''))
    .filter(Boolean);
}

/** A checkbox is on when the browser sends it at all. */
export const formFlag = (form: FormData, name: string): boolean => form.has(name);

/** A text field that means "not set" when left empty. */
export const optionalString = (form: FormData, name: string): string | null => formString(form, name) || null;

/** The largest whole number a GraphQL Int carries. */
const INT_MAX = 2_147_483_647;

/**
 * A whole number of at least `min` (0 unless said); empty gives `empty`. A refusal says what is
 * wrong in words: a sign, a fraction, the range, or not a number at all.
 */
export function formWholeNumber<E extends number | null>(form: FormData, name: string, options: { empty: E; what: string; min?: number }): Parsed<number | E> {
  const text = formString(form, name);
  const min = options.min ?? 0;
  if (!text) return { ok: true, value: options.empty };
  const plain = text.replace(/[\s,]/g, '');
  const number = Number(plain);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(plain) || !Number.isFinite(number)) return { ok: false, error: `${options.what} must be a number, such as ${Math.max(min, 60)}.` };
  if (number < 0 && min >= 0) return { ok: false, error: `${options.what} cannot be negative.` };
  if (!Number.isInteger(number)) return { ok: false, error: `${options.what} must be a whole number, without decimals.` };
  if (number < min) return { ok: false, error: `${options.what} must be ${min} or more.` };
  // The API takes whole numbers as GraphQL Ints (32 bits): a larger one could not even be sent.
  if (number > INT_MAX) return { ok: false, error: `${options.what} is too large.` };
  return { ok: true, value: number };
}

/**
 * A calendar day from a date input as the API's instant: the start of that day in UTC. Dates in
 * Greenlight are UTC days, so what is saved reads back as the same day.
 */
export function formDay(form: FormData, name: string): Parsed<string | null> {
  const text = formString(form, name);
  if (!text) return { ok: true, value: null };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return { ok: false, error: 'Use a date such as 2026-03-01.' };
  }
  return { ok: true, value: `${text}T00:00:00.000Z` };
}

/** One filled-in row of a repeatable group, with its position in the form. */
export interface FormRow<F extends string> {
  index: number;
  values: Record<F, string>;
}

/**
 * The rows of a repeatable group named `list.<n>.<field>` (e.g. `holdbacks.0.territory`), in order;
 * rows left entirely blank are dropped.
 */
export function formRows<F extends string>(form: FormData, list: string, fields: readonly F[]): Array<FormRow<F>> {
  const pattern = new RegExp(`^${list}\\.(\\d+)\\.(\\w+)$`);
  const indexes = new Set<number>();
  for (const key of form.keys()) {
    const match = pattern.exec(key);
    if (match && (fields as readonly string[]).includes(match[2]!)) indexes.add(Number(match[1]));
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => ({ index, values: Object.fromEntries(fields.map((f) => [f, formString(form, `${list}.${index}.${f}`)])) as Record<F, string> }))
    .filter((row) => fields.some((f) => row.values[f] !== ''));
}

/**
 * The API numbers list items by their place in what it was sent; blank rows were left out, so
 * `holdbacks.1.until` may be the form's third row. Puts the form's numbering back.
 */
export function formRowField(field: string, list: string, rows: ReadonlyArray<{ index: number }>): string {
  const match = new RegExp(`^${list}\\.(\\d+)(\\..*)?$`).exec(field);
  const row = match ? rows[Number(match[1])] : undefined;
  return match && row ? `${list}.${row.index}${match[2] ?? ''}` : field;
}

/** The same error, blamed on the field the form calls it. */
export function renameField(error: ApiError, rename: (field: string) => string): ApiError {
  const fieldErrors = error.fieldErrors && Object.fromEntries(Object.entries(error.fieldErrors).map(([field, message]) => [rename(field), message]));
  return { ...error, field: error.field && rename(error.field), fieldErrors };
}
