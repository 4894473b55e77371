import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthCard } from '~/components/auth-card';
import { FormAlert, TextField } from '~/components/forms';
import { optionalViewer } from '~/models/auth.server';
import { handleAcceptInvitationForm, handleJoinForm } from '~/models/invitation-form.server';
import { MIN_PASSWORD_LENGTH } from '~/models/passwords';

export const meta: MetaFunction = () => [{ title: 'Accept your invitation · Greenlight' }];

/** Someone signed in joins with their own account; anyone else creates one. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await optionalViewer(request);
  return { signedInAs: viewer?.user.email ?? null, token: params.token ?? '' };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.clone().formData();
  if (form.get('intent') === 'join') return handleJoinForm(request, params.token ?? '');
  return handleAcceptInvitationForm(request, params.token ?? '');
}

export default function AcceptInvitationPage() {
  const { signedInAs, token } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const creating = navigation.state === 'submitting';
  if (signedInAs) {
    return (
      <AuthCard title="Accept your invitation">
        <p className="muted">You are signed in as {signedInAs}. The invitation must be for this email address.</p>
        <FormAlert>{outcome && 'formError' in outcome ? outcome.formError : undefined}</FormAlert>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="join" />
          <button type="submit" className="button button-block" disabled={creating}>
            {creating ? 'Joining…' : 'Join with this account'}
          </button>
        </Form>
        <Form method="post" action="/logout">
          <p className="muted small">
            Not you?{' '}
            <button type="submit" className="button button-secondary button-small">
              Sign out
            </button>
          </p>
        </Form>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Accept your invitation">
      <p className="muted">You have been invited to join an organization on Greenlight. Create your account to continue.</p>
      <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
      <Form method="post" noValidate>
        <TextField label="Your name" name="name" autoComplete="name" required defaultValue={outcome?.name ?? ''} error={outcome?.fieldErrors?.name} />
        <TextField
          label="Choose a password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={outcome?.fieldErrors?.password}
        />
        <button type="submit" className="button button-block" disabled={creating}>
          {creating ? 'Creating your account…' : 'Create account'}
        </button>
      </Form>
      <p className="muted small">
        Already have an account? <Link to={`/login?redirectTo=${encodeURIComponent(`/invite/${token}`)}`}>Sign in to join with it</Link>
      </p>
    </AuthCard>
  );
}
