import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { BadUserInputError, type FieldError } from './errors';
import { fieldPath } from './field-path';
import { hasVisibleText } from './text-input';

/**
 * Parses service input with zod. Every problem is reported at once, each naming its field by its
 * path in the GraphQL arguments (`fieldPath`, e.g. `input.email`; `root` is where `value` sits
 * there, or how a path inside `value` maps to one): BAD_USER_INPUT with the first one as `field` and
 * message, and all of them, in order and one per field, as `fieldErrors` — so a form can show each
 * beside its field after one submit.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, root: Root = 'input'): z.infer<T> {
  const result = checked(schema, value, root);
  const refused = refusedTextOfRequest.getStore() ?? [];
  // Text the request boundary refused joins this input's own problems, and the write stops here.
  if (refused.length) throw refusedInput([...refused, ...(result.ok ? [] : result.fieldErrors)]);
  if (result.ok) return result.data;
  throw refusedInput(result.fieldErrors);
}

/**
 * The one refusal of several fields: BAD_USER_INPUT naming the first, with every field in
 * `fieldErrors`, one entry per field (the first said about a field wins).
 */
export function refusedInput(fieldErrors: readonly FieldError[]): BadUserInputError {
  const each = fieldErrors.filter((e, i) => fieldErrors.findIndex((other) => other.field === e.field) === i);
  const [first] = each as [FieldError];
  return new BadUserInputError(first.field, first.message, each);
}

/**
 * Text the request boundary refused (a control character, a bidi override…), named by field, for
 * the rest of one request: the request still runs up to its validation so that every other refused
 * field is reported with it (`parseInput`), and it writes nothing (see db/orm.ts).
 */
const refusedTextOfRequest = new AsyncLocalStorage<readonly FieldError[]>();

/** Runs `run` with `refused` as the request's refused text (none: `run` as it is). */
export function withRefusedText<T>(refused: readonly FieldError[], run: () => T): T {
  return refused.length ? refusedTextOfRequest.run(refused, run) : run();
}

/** The request's refused text, [] when none. */
export function refusedText(): readonly FieldError[] {
  return refusedTextOfRequest.getStore() ?? [];
}

/**
 * Every field `parseInput` would refuse in `value`, one per field: for the dashboard's "what else is
 * wrong" question while a field it could not even send is being fixed. When the request boundary
 * refused some of its text, the answer is that refusal, as `parseInput` gives it — the refused text
 * with every other problem of `value` beside it — so the question still learns of each field at once.
 */
export function inputProblems(schema: z.ZodType, value: unknown, root: Root = 'input'): FieldError[] {
  const result = checked(schema, value, root);
  const problems = result.ok ? [] : result.fieldErrors;
  const refused = refusedTextOfRequest.getStore() ?? [];
  if (refused.length) throw refusedInput([...refused, ...problems]);
  return problems;
}

/** Where the parsed value sits in the arguments (`input`), or how a dotted path inside it maps to its argument path. */
type Root = string | ((path: string) => string);

function checked<T extends z.ZodType>(schema: T, value: unknown, root: Root): { ok: true; data: z.infer<T> } | { ok: false; fieldErrors: FieldError[] } {
  // A schema's own message wins; where a schema gave none, `ourWords` speaks instead of zod's defaults.
  const result = schema.safeParse(value, { error: ourWords });
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const inside = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const field = typeof root === 'string' ? fieldPath(root, inside) : root(fieldPath(inside));
    if (!fieldErrors.some((e) => e.field === field)) fieldErrors.push({ field, message: issue.message });
  }
  return { ok: false, fieldErrors };
}

const count = (n: number | bigint) => (typeof n === 'bigint' ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 20 }));
const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  date: 'a date and time',
  array: 'a list',
  object: 'an object',
};

/**
 * Our words for every zod problem a schema did not word itself, so no bound, type or format of any
 * schema reaches a person in the library's words (`Too big: expected number to be <=1000000`). The
 * field is named apart (`extensions.field`), so the sentence never starts with it.
 */
export function ourWords(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'too_big': {
      const n = count(issue.maximum as number | bigint);
      if (issue.origin === 'string') return `Must be at most ${n} characters long.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Must list at most ${n} items.`;
      if (issue.origin === 'date') return `Must be on or before ${new Date(Number(issue.maximum)).toISOString()}.`;
      return issue.inclusive === false ? `Must be less than ${n}.` : `Must be at most ${n}.`;
    }
    case 'too_small': {
      const n = count(issue.minimum as number | bigint);
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Must not be empty.' : `Must be at least ${n} characters long.`;
      if (issue.origin === 'array' || issue.origin === 'set') return Number(issue.minimum) <= 1 ? 'Must list at least one item.' : `Must list at least ${n} items.`;
      if (issue.origin === 'date') return `Must be on or after ${new Date(Number(issue.minimum)).toISOString()}.`;
      return issue.inclusive === false ? `Must be more than ${n}.` : `Must be at least ${n}.`;
    }
    case 'invalid_type':
      if (issue.expected === 'int') return 'Must be a whole number.';
      return issue.input === undefined || issue.input === null ? 'Is required.' : `Must be ${TYPE_WORDS[issue.expected] ?? 'a value of another kind'}.`;
    case 'not_multiple_of':
      return `Must be a multiple of ${count(issue.divisor as number | bigint)}.`;
    case 'invalid_value':
      return issue.values.length === 1 ? `Must be ${String(issue.values[0])}.` : `Must be one of ${issue.values.map(String).join(', ')}.`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'Is not in the accepted form.' : `Must be a valid ${issue.format}.`;
    case 'unrecognized_keys':
      return `Does not take ${issue.keys.join(', ')}.`;
    default:
      return 'This value is not valid here.';
  }
}

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long.')
  .pipe(z.email({ message: 'Enter a valid email address.' }));

export const passwordSchema = z
  .string()
  .min(10, 'Password must be at least 10 characters.')
  .max(200, 'Password must be at most 200 characters.');

/**
 * A text that is required must show something: blank — empty, whitespace, or only zero-width and
 * other invisible characters (`hasVisibleText`) — is refused with `message`.
 */
export const visibleText = (schema: z.ZodString, message: string): z.ZodString => schema.refine(hasVisibleText, message);

export const nameSchema = (what: string) =>
  visibleText(z.string().trim().min(1, `${what} is required.`), `${what} is required.`).max(200, `${what} must be at most 200 characters.`);

/**
 * The one rule for lists in which no two items may share a key (the same episode, territory,
 * language or genre twice in one input): the repeated item — not the whole list — is refused by
 * its own path, e.g. `input.maturityRatings.1.territory` or `input.genres.2`. `keyOf` gives the
 * compared key (lower-cased for case-insensitive lists); `keyPath` is where it sits inside an item.
 */
export function refuseRepeats<T>(what: string, keyOf: (item: T) => unknown, keyPath: Array<string | number> = []) {
  return (items: T[], ctx: z.RefinementCtx<T[]>) => {
    const seen = new Map<unknown, number>();
    items.forEach((entry, i) => {
      const key = keyOf(entry);
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, ...keyPath], message: `${what} lists ${String(key)} twice (${itemPositions(first, i)}).` });
      else seen.set(key, i);
    });
  };
}

/**
 * Items of a list as a person counts them, from 1 ("items 1 and 2"), whatever index their paths
 * carry: the one wording of list positions in what the API says.
 */
export function itemPositions(...indexes: number[]): string {
  const counted = indexes.map((i) => String(i + 1));
  return counted.length === 1 ? `item ${counted[0]}` : `items ${counted.slice(0, -1).join(', ')} and ${counted[counted.length - 1]}`;
}

/** A list of objects in which no two items share `key`; see `refuseRepeats`. */
export const distinctBy = <T extends z.ZodType<Record<string, unknown>>>(item: T, key: string, what: string) =>
  z.array(item).superRefine(refuseRepeats<z.infer<T>>(what, (entry) => entry[key], [key]));

/**
 * A rule across fields of one input: `field` — the one a person fixes, its message naming the other
 * — is refused with `message` unless `holds`; or, for a list, each item `refusedItems` names, with
 * its own message. It reads only `reads` (and `field`), and runs once each of those is of its type
 * (a value past a bound is still read), whatever else is refused.
 */
export type RuleAcrossFields<T> = {
  field: keyof T & string;
  reads: ReadonlyArray<keyof T & string>;
} & ({ holds: (value: T) => boolean; message: string } | { refusedItems: (value: T) => Array<{ item: number; message: string }> });

/** Every rule across fields the API holds, by the input it belongs to: what the tests walk. */
export const RULES_ACROSS_FIELDS: Array<{ input: string; field: string; reads: readonly string[] }> = [];

/**
 * The one way an input with rules across fields is checked: each field by its own schema, and every
 * rule across fields whose fields parsed, all in one answer (`parseInput` lists them in
 * `fieldErrors`), so a range that ends before it starts is refused beside a missing title, not
 * instead of it (a rule whose field is refused already says nothing more about it). `input` names the
 * input among `RULES_ACROSS_FIELDS`.
 */
export function withRulesAcrossFields<Shape extends z.ZodRawShape>(input: string, fields: z.ZodObject<Shape>, rules: ReadonlyArray<RuleAcrossFields<z.output<z.ZodObject<Shape>>>>): z.ZodObject<Shape> {
  for (const rule of rules) RULES_ACROSS_FIELDS.push({ input, field: rule.field, reads: rule.reads });
  return fields.superRefine(
    (value, ctx) => {
      // A field refused already says nothing more; a field read that is not even of its type (missing,
      // another kind) keeps its rules silent. One that only broke a bound or a check is read as parsed.
      const refused = new Set(ctx.issues.map((issue) => issue.path?.[0]));
      const unread = new Set(ctx.issues.filter((issue) => issue.continue !== true).map((issue) => issue.path?.[0]));
      for (const rule of rules) {
        if (refused.has(rule.field) || rule.reads.some((key) => unread.has(key))) continue;
        if ('holds' in rule) {
          if (!rule.holds(value)) ctx.addIssue({ code: 'custom', path: [rule.field], message: rule.message });
        } else {
          for (const { item, message } of rule.refusedItems(value)) ctx.addIssue({ code: 'custom', path: [rule.field, item], message });
        }
      }
    },
    // Also when a field is refused, so the rules speak in the same answer.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  );
}
