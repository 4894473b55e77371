import { z } from 'zod';
import { isOperatorAdmin, membershipIn, OPERATOR_ADMIN_RULES, requireUser, roleRequired } from '../../domain/access';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { nameSchema, parseInput, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { isId } from '../common/ids';
import { isSuspendable, Organization, OrganizationKind } from './organization.entity';

const createSchema = z.object({
  name: nameSchema('Name'),
  kind: z.enum(OrganizationKind, { message: 'Kind must be STUDIO, PARTNER or OPERATOR.' }),
});

export class OrganizationService {
  constructor(private readonly audit: AuditService) {}

  /** Operator admins see every organization; everyone else, the ones they belong to. */
  async list(ctx: RequestContext): Promise<Organization[]> {
    const actor = requireUser(ctx);
    if (isOperatorAdmin(ctx)) return ctx.em.find(Organization, {}, { orderBy: { name: 'asc' } });
    return actor.memberships.map((m) => m.organization).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(ctx: RequestContext, id: string): Promise<Organization> {
    requireUser(ctx);
    if (!isId(id)) throw new NotFoundError('Organization');
    const own = membershipIn(ctx, id);
    if (own) return own.organization;
    if (isOperatorAdmin(ctx)) {
      const org = await ctx.em.findOne(Organization, id);
      if (org) return org;
    }
    throw new NotFoundError('Organization');
  }

  async create(ctx: RequestContext, input: { name: string; kind: OrganizationKind }): Promise<Organization> {
    requireUser(ctx);
    if (!isOperatorAdmin(ctx)) throw roleRequired(OPERATOR_ADMIN_RULES);
    const data = parseInput(createSchema, input);
    const em = ctx.em.fork();
    const org = em.create(Organization, { name: data.name, kind: data.kind, createdAt: new Date() });
    this.audit.record(ctx, em, {
      action: 'organization.create',
      organizationId: org.id,
      subjectType: 'Organization',
      subjectId: org.id,
      summary: { after: { name: org.name, kind: org.kind } },
    });
    await em.flush();
    return org;
  }

  /**
   * Suspends (or reinstates) a studio or partner. The publish gate reads it: a suspended studio's
   * episodes and everything for a suspended partner go dark (STUDIO_SUSPENDED / PARTNER_DISABLED),
   * with withdrawal events, and come back when reinstated. Operator organizations cannot be suspended.
   */
  async setSuspended(ctx: RequestContext, id: string, suspended: boolean, reason?: string | null): Promise<Organization> {
    requireUser(ctx);
    if (!isOperatorAdmin(ctx)) throw roleRequired(OPERATOR_ADMIN_RULES);
    const why = suspended ? parseInput(visibleText(z.string().trim().min(3, 'Say why in at least 3 characters.'), 'Say why in at least 3 characters.').max(500, 'Keep the reason under 500 characters.'), reason ?? '', 'reason') : null;
    const em = ctx.em.fork();
    const org = isId(id) ? await em.findOne(Organization, id) : null;
    if (!org) throw new NotFoundError('Organization');
    if (!isSuspendable(org)) throw new ConflictError('The operator organization cannot be suspended.', 'id');
    if (Boolean(org.suspendedAt) === suspended) return org;
    const before = { suspendedAt: org.suspendedAt ?? null, reason: org.suspendedReason ?? null };
    org.suspendedAt = suspended ? new Date() : null;
    org.suspendedReason = why;
    this.audit.record(ctx, em, {
      action: suspended ? 'organization.suspend' : 'organization.reinstate',
      organizationId: org.id,
      subjectType: 'Organization',
      subjectId: org.id,
      summary: { before, after: { suspendedAt: org.suspendedAt, reason: why } },
    });
    await em.flush();
    return org;
  }
}
