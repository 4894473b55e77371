import type { EntityManager } from '@mikro-orm/postgresql';
import { isOperatorAdmin, membershipIn, OPERATOR_ADMIN_RULES, requireUser, roleRequired, rulesFor } from '../../domain/access';
import { BadUserInputError, ForbiddenError } from '../../domain/errors';
import { OrganizationKind } from '../organization/organization.entity';
import type { RequestContext } from '../../domain/request-context';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../common/pagination';
import { isId } from '../common/ids';
import { Role } from '../membership/membership.entity';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  action: string;
  organizationId?: string;
  subjectType?: string;
  subjectId?: string;
  summary?: Record<string, unknown>;
  /** For events before anyone is authenticated (e.g. a failed sign-in). */
  actorLabel?: string;
}

export interface AuditFilter {
  organizationId?: string | null;
  action?: string | null;
  first?: number | null;
  after?: string | null;
}

function actorOf(ctx: RequestContext): { actorId?: string; actorLabel: string } {
  switch (ctx.actor.kind) {
    case 'user':
      return { actorId: ctx.actor.user.id, actorLabel: ctx.actor.user.email };
    case 'apiKey':
      return { actorId: ctx.actor.apiKey.id, actorLabel: `api key ${ctx.actor.apiKey.prefix}` };
    default:
      return { actorLabel: 'anonymous' };
  }
}

/** Narrows and redacts events for the caller (the studio's view of its cases' events, review.service.ts). */
export type AuditView = (ctx: RequestContext, events: AuditEvent[]) => Promise<AuditEvent[]>;

export class AuditService {
  constructor(private readonly view: AuditView = async (_ctx, events) => events) {}

  /**
   * Queues an event on `em`, so it commits in the same transaction as the change it describes.
   * The caller flushes.
   */
  record(ctx: RequestContext, em: EntityManager, entry: AuditEntry): AuditEvent {
    const actor = actorOf(ctx);
    const event = em.create(AuditEvent, {
      occurredAt: new Date(),
      action: entry.action,
      actorId: actor.actorId,
      actorLabel: entry.actorLabel ?? actor.actorLabel,
      organizationId: entry.organizationId,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      summary: entry.summary ?? {},
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
    em.persist(event);
    return event;
  }

  /** Operator admins read every event; owners and partner admins read their own organization's, as `view` shows it to them. */
  async list(ctx: RequestContext, filter: AuditFilter): Promise<Page<AuditEvent>> {
    requireUser(ctx);
    const organizationId = filter.organizationId ?? undefined;
    if (!isOperatorAdmin(ctx)) {
      if (!organizationId) throw roleRequired(OPERATOR_ADMIN_RULES, 'Only operator admins read the whole audit log; pass organizationId.');
      const membership = isId(organizationId) ? membershipIn(ctx, organizationId) : undefined;
      // Not a matter of role: no role in someone else's organization would allow it.
      if (!membership) throw new ForbiddenError('You can read only the audit log of an organization you belong to.').because('NOT_A_MEMBER');
      if (![Role.OWNER, Role.PARTNER_ADMIN].includes(membership.role)) {
        throw roleRequired([...rulesFor(OrganizationKind.STUDIO, [Role.OWNER]), ...rulesFor(OrganizationKind.PARTNER, [Role.PARTNER_ADMIN]), ...OPERATOR_ADMIN_RULES]);
      }
    } else if (organizationId && !isId(organizationId)) {
      throw new BadUserInputError('organizationId', 'organizationId is not a valid id.');
    }
    const first = pageSize(filter.first);
    const [afterId] = decodeCursor(filter.after, ['bigint']) ?? [];
    const where: Record<string, unknown> = {};
    if (organizationId) where.organizationId = organizationId;
    if (filter.action) where.action = filter.action;
    if (afterId) where.id = { $lt: afterId };
    const rows = await ctx.em.find(AuditEvent, where, { orderBy: { id: 'desc' }, limit: first + 1 });
    const page = rows.slice(0, first);
    // The cursor follows the log itself, so events the caller does not see are skipped, not lost.
    return {
      nodes: await this.view(ctx, page),
      hasNextPage: rows.length > first,
      endCursor: page.length ? encodeCursor(page[page.length - 1]!.id) : null,
    };
  }
}
