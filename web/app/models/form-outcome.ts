/**
 * What an action tells its page: a notice on success, or an error for the whole form and/or its
 * fields. `target` names the row or sub-form it belongs to when a page has several of one kind.
 */
export interface FormOutcome {
  intent: string;
  target?: string;
  notice?: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
  /** Shown once, right after creation: an invitation link. */
  inviteLink?: string;
  /** Shown once, right after creation: a whole API key. */
  secret?: string;
}

/** The error for `field` or for anything inside it: `holdbacks` finds `holdbacks.2.until`. */
export function errorWithin(errors: Record<string, string> | undefined, field: string): string | undefined {
  if (!errors) return undefined;
  if (errors[field]) return errors[field];
  const inside = Object.keys(errors).find((key) => key.startsWith(`${field}.`));
  return inside ? errors[inside] : undefined;
}
