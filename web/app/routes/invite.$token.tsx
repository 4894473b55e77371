import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { FormAlert, TextField } from '~/components/forms';
import { handleAcceptInvitationForm } from '~/models/invitation-form.server';
import { MIN_PASSWORD_LENGTH } from '~/models/passwords';

export const meta: MetaFunction = () => [{ title: 'Accept your invitation · Greenlight' }];

export async function action({ request, params }: ActionFunctionArgs) {
  return handleAcceptInvitationForm(request, params.token ?? '');
}

export default function AcceptInvitationPage() {
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const creating = navigation.state === 'submitting';
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <p className="brand-mark">
          <span className="brand-dot" aria-hidden="true" /> Greenlight
        </p>
        <h1>Accept your invitation</h1>
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
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
