import { data, redirect } from '@remix-run/node';
import { safeRedirectPath, signIn } from './auth.server';
import { formString } from './forms.server';
import { statusOf } from './graphql.server';

export interface LoginOutcome {
  email: string;
  formError?: string;
  fieldErrors?: { email?: string; password?: string };
}

/** "in 45 seconds", "in 3 minutes" — how long a throttled person must wait. */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Signs in from the login form; every failure is explained on the form. */
export async function handleLoginForm(request: Request) {
  const form = await request.formData();
  const email = formString(form, 'email');
  const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
  const fieldErrors: LoginOutcome['fieldErrors'] = {};
  if (!email) fieldErrors.email = 'Enter your email address.';
  if (!password) fieldErrors.password = 'Enter your password.';
  if (fieldErrors.email || fieldErrors.password) return data<LoginOutcome>({ email, fieldErrors }, { status: 400 });

  const result = await signIn(request, email, password);
  if (result.ok) {
    return redirect(safeRedirectPath(form.get('redirectTo')), { headers: { 'Set-Cookie': result.data.setCookie } });
  }
  const { error } = result;
  const outcome: LoginOutcome = { email };
  if (error.code === 'RATE_LIMITED') {
    outcome.formError = error.retryAfterSeconds
      ? `Too many sign-in attempts. Try again in ${describeWait(error.retryAfterSeconds)}.`
      : error.message;
  } else if (error.code === 'BAD_USER_INPUT' && (error.field === 'email' || error.field === 'password')) {
    outcome.fieldErrors = { [error.field]: error.message };
  } else if (error.code === 'INTERNAL_SERVER_ERROR') {
    outcome.formError = error.requestId ? `${error.message} (request id ${error.requestId})` : error.message;
  } else {
    // The API words this without saying whether the email or the password was wrong.
    outcome.formError = error.message;
  }
  return data<LoginOutcome>(outcome, { status: statusOf(error) });
}
