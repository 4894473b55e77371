import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { requireSection } from '~/models/sections.server';

export const meta: MetaFunction = () => [{ title: 'Review queue · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSection(request, 'review');
  return null;
}

export default function ReviewQueuePage() {
  return (
    <>
      <header className="page-header">
        <h1>Review queue</h1>
        <p className="muted">Episodes studios have submitted for compliance review, oldest first.</p>
      </header>
      <EmptyState title="Nothing waiting for review">
        <p>When a studio submits episodes for compliance review, they will appear here for reviewers to claim.</p>
      </EmptyState>
    </>
  );
}
