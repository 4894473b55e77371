import { data, redirect } from '@remix-run/node';
import { formString } from './forms.server';
import { statusOf } from './graphql.server';
import { MIN_PASSWORD_LENGTH } from './passwords';
import { acceptInvitation, joinOrganization } from './team.server';

export interface AcceptOutcome {
  name: string;
  formError?: string;
  fieldErrors?: { name?: string; password?: string };
}

/** Creates the invitee's account, then sends them to sign in with it. */
export async function handleAcceptInvitationForm(request: Request, token: string) {
  const form = await request.formData();
  const name = formString(form, 'name');
  const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
  const fieldErrors: AcceptOutcome['fieldErrors'] = {};
  if (!name) fieldErrors.name = 'Enter your name.';
  if (password.length < MIN_PASSWORD_LENGTH) fieldErrors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (fieldErrors.name || fieldErrors.password) return data<AcceptOutcome>({ name, fieldErrors }, { status: 400 });

  const result = await acceptInvitation(request, { token, name, password });
  if (result.ok) return redirect(`/login?welcome=${encodeURIComponent(result.data.email)}`);
  const { error } = result;
  const outcome: AcceptOutcome = { name };
  if (error.field === 'name' || error.field === 'password') outcome.fieldErrors = { [error.field]: error.message };
  else if (error.code === 'INTERNAL_SERVER_ERROR' && error.requestId) outcome.formError = `${error.message} (request id ${error.requestId})`;
  else outcome.formError = error.message;
  return data<AcceptOutcome>(outcome, { status: statusOf(error) });
}

/** The signed-in person accepts an invitation made for their own account, then goes to the dashboard. */
export async function handleJoinForm(request: Request, token: string) {
  const result = await joinOrganization(request, token);
  if (result.ok) return redirect(`/?joined=${encodeURIComponent(result.data.organizationName)}`);
  return data<AcceptOutcome>({ name: '', formError: result.error.message }, { status: statusOf(result.error) });
}
