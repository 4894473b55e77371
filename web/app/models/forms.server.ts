import { data } from '@remix-run/node';
import type { FormOutcome } from './form-outcome';
import { redirectToLogin, statusOf, type ApiError } from './graphql.server';

export type { FormOutcome };

export function formString(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** A successful outcome; the page shows its notice. */
export function succeeded(outcome: FormOutcome & { notice: string }) {
  return data<FormOutcome>(outcome);
}

/** A bad form submission found before calling the API. */
export function rejected(outcome: FormOutcome & ({ formError: string } | { fieldErrors: Record<string, string> })) {
  return data<FormOutcome>(outcome, { status: 400 });
}

/**
 * Turns an API failure into form errors: blamed fields the form has (or parts of them, such as one
 * row of a list) go beside them, the rest above the form. An ended session still sends the user to sign in.
 */
export async function failed(
  request: Request,
  error: ApiError,
  outcome: Omit<FormOutcome, 'formError' | 'fieldErrors'> & { fields?: readonly string[] },
) {
  if (error.code === 'UNAUTHENTICATED') throw await redirectToLogin(request);
  const { fields = [], ...rest } = outcome;
  const result: FormOutcome = { ...rest };
  // `holdbacks.2.until` belongs to a form that lists `holdbacks`: the page finds it by that prefix.
  const onForm = (field: string) => fields.some((f) => field === f || field.startsWith(`${f}.`));
  const blamed = error.fieldErrors ?? (error.field ? { [error.field]: error.message } : {});
  // In the order of the form, as its error summary lists them.
  const place = (field: string) => fields.findIndex((f) => field === f || field.startsWith(`${f}.`));
  const beside = Object.entries(blamed)
    .filter(([field]) => onForm(field))
    .sort(([a], [b]) => place(a) - place(b));
  const elsewhere = Object.entries(blamed).filter(([field]) => !onForm(field));
  if (beside.length) result.fieldErrors = Object.fromEntries(beside);
  // What the form has no field for is said above it: the first such message, or the whole error.
  if (elsewhere.length) result.formError = elsewhere[0]![1];
  else if (!beside.length) result.formError = error.code === 'INTERNAL_SERVER_ERROR' && error.requestId ? `${error.message} (request id ${error.requestId})` : error.message;
  return data<FormOutcome>(result, { status: statusOf(error) });
}
