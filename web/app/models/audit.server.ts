import { gql, type ApiResult } from './graphql.server';

export interface AuditEvent {
  id: string;
  occurredAt: string;
  action: string;
  actorLabel: string;
  organizationId: string | null;
  summary: Record<string, unknown>;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Pass back as `after` for older events; null on the last page. */
  nextCursor: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first. */
export async function listAuditEvents(request: Request, after?: string | null): Promise<ApiResult<AuditPage>> {
  const result = await gql<{
    auditEvents: { nodes: AuditEvent[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
  }>(
    request,
    `query AuditEvents($first: Int, $after: String) {
      auditEvents(first: $first, after: $after) {
        nodes { id occurredAt action actorLabel organizationId summary }
        pageInfo { endCursor hasNextPage }
      }
    }`,
    { first: AUDIT_PAGE_SIZE, after: after || null },
  );
  if (!result.ok) return result;
  const { nodes, pageInfo } = result.data.auditEvents;
  return { ok: true, data: { events: nodes, nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null } };
}
