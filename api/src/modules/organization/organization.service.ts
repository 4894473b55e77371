import { z } from 'zod';
import { isOperatorAdmin, membershipIn, requireUser } from '../../domain/access';
import { ForbiddenError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { nameSchema, parseInput } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { isId } from '../common/ids';
import { Organization, OrganizationKind } from './organization.entity';

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
    if (!isOperatorAdmin(ctx)) throw new ForbiddenError('Only operator admins can create organizations.');
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
}
