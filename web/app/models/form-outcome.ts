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

/**
 * The form field an error names, then each field holding it: `audioLanguages.1` (one item of a
 * list typed into one field) is found as `audioLanguages`, `holdbacks.2.until` as itself first.
 */
export function fieldNamesOf(field: string): string[] {
  const parts = field.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

/**
 * An error as the error summary lists it, away from its field: a problem said of the text alone
 * ("Contains the control character U+0001; …") is led by the field's label so that it names it;
 * every other message names its field itself ("Free episodes cannot be negative.").
 */
export function summaryMessage(message: string, label: string | undefined): string {
  if (!label || !/^Contains\b/.test(message)) return message;
  return `${label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}
