import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthCard } from '~/components/auth-card';
import { FormAlert, Notice, TextField } from '~/components/forms';
import { optionalViewer, safeRedirectPath } from '~/models/auth.server';
import { handleLoginForm } from '~/models/login.server';

export const meta: MetaFunction = () => [{ title: 'Sign in · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
  if (await optionalViewer(request)) throw redirect(redirectTo);
  const welcomeEmail = url.searchParams.get('welcome') ?? undefined;
  return { redirectTo, welcomeEmail };
}

export async function action({ request }: ActionFunctionArgs) {
  return handleLoginForm(request);
}

export default function LoginPage() {
  const { redirectTo, welcomeEmail } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const signingIn = navigation.state === 'submitting';

  return (
    <AuthCard title="Sign in">
      <p className="muted">Catalog, rights and compliance review for micro-drama studios.</p>
      <Notice>{welcomeEmail && !outcome ? `Your account is ready. Sign in as ${welcomeEmail}.` : undefined}</Notice>
      <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={outcome?.email ?? welcomeEmail ?? ''}
          error={outcome?.fieldErrors?.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={outcome?.fieldErrors?.password}
        />
        <button type="submit" className="button button-block" disabled={signingIn}>
          {signingIn ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
    </AuthCard>
  );
}
