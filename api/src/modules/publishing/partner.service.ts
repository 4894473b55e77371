import { z } from 'zod';
import { isOperatorAdmin, membershipIn, OPERATOR_ADMIN_RULES, requireUser, roleRequired } from '../../domain/access';
import { NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { currencySchema, territorySchema, uniqueList } from '../catalog/catalog-validation';
import { isId } from '../common/ids';
import { Organization, OrganizationKind } from '../organization/organization.entity';
import { PartnerProfile } from './partner-profile.entity';

const profileSchema = z.object({
  territories: uniqueList(territorySchema, 'Territories').min(1, 'A partner serves at least one territory.'),
  currency: currencySchema,
  rateLimitPerMinute: z.number().int().min(1).max(100_000).nullish(),
});

/** Partner platforms: who they are and what they serve. */
export class PartnerService {
  constructor(private readonly audit: AuditService) {}

  /** Partners a studio can release to (names and territories), or all for the operator. */
  async list(ctx: RequestContext): Promise<Array<{ organization: Organization; profile: PartnerProfile | null }>> {
    requireUser(ctx);
    const orgs = await ctx.em.find(Organization, { kind: OrganizationKind.PARTNER }, { orderBy: { name: 'asc' } });
    const profiles = new Map((await ctx.em.find(PartnerProfile, { organization: { $in: orgs.map((o) => o.id) } })).map((p) => [p.organization.id, p]));
    return orgs.map((organization) => ({ organization, profile: profiles.get(organization.id) ?? null }));
  }

  async profileOf(ctx: RequestContext, partnerId: string): Promise<PartnerProfile | null> {
    return isId(partnerId) ? ctx.em.findOne(PartnerProfile, { organization: partnerId }) : null;
  }

  /** Operator admins set a partner's territories, currency and rate limit. */
  async update(ctx: RequestContext, partnerId: string, input: z.input<typeof profileSchema>): Promise<PartnerProfile> {
    requireUser(ctx);
    if (!isOperatorAdmin(ctx)) throw roleRequired(OPERATOR_ADMIN_RULES);
    const data = parseInput(profileSchema, input);
    const em = ctx.em.fork();
    const org = isId(partnerId) ? await em.findOne(Organization, partnerId) : null;
    if (!org || org.kind !== OrganizationKind.PARTNER) throw new NotFoundError('Partner');
    const existing = await em.findOne(PartnerProfile, { organization: org });
    const before = existing ? { territories: existing.territories, currency: existing.currency, rateLimitPerMinute: existing.rateLimitPerMinute } : null;
    const profile = existing ?? em.create(PartnerProfile, { organization: org, ...data });
    em.assign(profile, { ...data, rateLimitPerMinute: data.rateLimitPerMinute ?? null });
    this.audit.record(ctx, em, { action: 'partner.update', organizationId: org.id, subjectType: 'Organization', subjectId: org.id, summary: { before, after: data } });
    await em.flush();
    return profile;
  }

  /** For a partner admin: their own profile. */
  async own(ctx: RequestContext, partnerId: string): Promise<PartnerProfile | null> {
    requireUser(ctx);
    if (!isOperatorAdmin(ctx) && !membershipIn(ctx, partnerId)) throw new NotFoundError('Partner');
    return this.profileOf(ctx, partnerId);
  }
}
