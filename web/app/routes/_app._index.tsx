import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { requireCurrentOrganization, sectionsFor } from '~/models/sections.server';

/** Home is the first section the user's role opens. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { membership, setCookie } = await requireCurrentOrganization(request);
  const first = sectionsFor(membership)[0];
  if (first) throw redirect(first.path, setCookie ? { headers: { 'Set-Cookie': setCookie } } : undefined);
  return null;
}

export default function Home() {
  return (
    <EmptyState title="You are not part of an organization yet">
      <p>Ask an owner or an admin of your studio, partner or operator team to invite you. Their invitation brings you here.</p>
    </EmptyState>
  );
}
