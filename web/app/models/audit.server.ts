import { AuditEventFields, type AuditEvent } from '~/components/audit-log';
import { graphql } from '~/graphql';
import { gql, type ApiResult } from './graphql.server';

export interface AuditPage {
  events: AuditEvent[];
  /** Pass back as `after` for older events; null on the last page. */
  nextCursor: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

const AUDIT_EVENTS = graphql(
  `query AuditEvents($first: Int, $after: String) {
    auditEvents(first: $first, after: $after) {
      nodes { ...AuditEventFields }
      pageInfo { endCursor hasNextPage }
    }
  }`,
  [AuditEventFields],
);

/** Newest first. */
export async function listAuditEvents(request: Request, after?: string | null): Promise<ApiResult<AuditPage>> {
  const result = await gql(request, AUDIT_EVENTS, { first: AUDIT_PAGE_SIZE, after: after || null });
  if (!result.ok) return result;
  const { nodes, pageInfo } = result.data.auditEvents;
  return { ok: true, data: { events: nodes, nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null } };
}
