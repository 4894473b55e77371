import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { EmptyState } from '~/components/empty-state';
import { requireSection } from '~/models/sections.server';

export const meta: MetaFunction = () => [{ title: 'Catalog · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { membership } = await requireSection(request, 'catalog');
  return { studio: membership.organization.name };
}

export default function CatalogPage() {
  const { studio } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Catalog</h1>
        <p className="muted">{studio}&apos;s series, episodes and the rights attached to them.</p>
      </header>
      <EmptyState title="No series yet">
        <p>
          This is where your studio&apos;s series will be listed, each with its episodes, rights windows and review status.
          Adding series and uploading episodes is not available yet; it arrives in a coming release.
        </p>
      </EmptyState>
    </>
  );
}
