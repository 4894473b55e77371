/**
 * The one way an error names the field it is about (`extensions.field`): the path into the
 * operation's arguments — the argument's name, then input field names, then list positions as
 * numbers — joined by dots, e.g. `input.aiElements.1.kind` or `seriesId`. Never a variable's name
 * (`$i`) or brackets (`[1]`): clients match it against the fields they sent.
 */
export type FieldPath = ReadonlyArray<string | number>;

export function fieldPath(...parts: Array<string | number | FieldPath>): string {
  return parts.flat().filter((p) => p !== '').join('.');
}
