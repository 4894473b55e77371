import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { signOutAndRedirect } from '~/models/auth.server';

// Signing out changes state, so it is a POST; a plain visit just goes home.
export async function loader() {
  return redirect('/');
}

export async function action({ request }: ActionFunctionArgs) {
  return signOutAndRedirect(request);
}
