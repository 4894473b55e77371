import type { LoaderFunctionArgs } from '@remix-run/node';
import { listAuditEvents } from '~/models/audit.server';
import { requireViewer } from '~/models/auth.server';
import { expectData } from '~/models/graphql.server';

/** Older audit events, page by page, for the audit log's "Load more". */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewer(request);
  const after = new URL(request.url).searchParams.get('after');
  // Says which page it answers, so the list adds it only if it still ends at that cursor.
  return { ...(await expectData(request, await listAuditEvents(request, after))), after };
}
