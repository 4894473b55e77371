import { z } from 'zod';
import { BadUserInputError, type FieldError } from './errors';
import { fieldPath } from './field-path';
import { hasVisibleText } from './text-input';

/**
 * Parses service input with zod. Every problem is reported at once, each naming its field by its
 * path in the GraphQL arguments (`fieldPath`, e.g. `input.email`; `root` is where `value` sits
 * there): BAD_USER_INPUT with the first one as `field` and message, and all of them, in order and
 * one per field, as `fieldErrors` — so a form can show each beside its field after one submit.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, root = 'input'): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fieldErrors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = fieldPath(root, issue.path.map((p) => (typeof p === 'number' ? p : String(p))));
    if (!fieldErrors.some((e) => e.field === field)) fieldErrors.push({ field, message: issue.message });
  }
  const [first] = fieldErrors as [FieldError];
  throw new BadUserInputError(first.field, first.message, fieldErrors);
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
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, ...keyPath], message: `${what} lists ${String(key)} twice (items ${first} and ${i}).` });
      else seen.set(key, i);
    });
  };
}

/** A list of objects in which no two items share `key`; see `refuseRepeats`. */
export const distinctBy = <T extends z.ZodType<Record<string, unknown>>>(item: T, key: string, what: string) =>
  z.array(item).superRefine(refuseRepeats<z.infer<T>>(what, (entry) => entry[key], [key]));
