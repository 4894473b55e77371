import { z } from 'zod';
import { requireRoleIn, requireUser } from '../../domain/access';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { nameSchema, parseInput } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { hashToken, newApiKey } from '../auth/tokens';
import { isId } from '../common/ids';
import { Role } from '../membership/membership.entity';
import { Organization, OrganizationKind } from '../organization/organization.entity';
import { ApiKey } from './api-key.entity';

const createSchema = z.object({ organizationId: z.string(), name: nameSchema('Name') });

/** Operator admins manage every partner's keys; a partner admin manages their own. */
const KEY_MANAGERS: readonly Role[] = [Role.PARTNER_ADMIN];

export class ApiKeyService {
  constructor(private readonly audit: AuditService) {}

  async list(ctx: RequestContext, organizationId: string): Promise<ApiKey[]> {
    const org = await this.requirePartnerOrg(ctx, organizationId, 'organizationId');
    return ctx.em.find(ApiKey, { organization: org }, { orderBy: { createdAt: 'desc' }, populate: ['organization'] });
  }

  /** Returns the key once; only its keyed hash is stored. */
  async create(ctx: RequestContext, input: { organizationId: string; name: string }): Promise<{ apiKey: ApiKey; secret: string }> {
    const data = parseInput(createSchema, input);
    const org = await this.requirePartnerOrg(ctx, data.organizationId, 'input.organizationId');
    const em = ctx.em.fork();
    const { key, prefix } = newApiKey();
    const apiKey = em.create(ApiKey, {
      organization: org.id,
      name: data.name,
      prefix,
      secretHash: hashToken(ctx.config.appSecret, key),
      createdBy: ctx.actor.kind === 'user' ? ctx.actor.user.id : undefined,
      createdAt: new Date(),
    });
    this.audit.record(ctx, em, {
      action: 'api_key.create',
      organizationId: org.id,
      subjectType: 'ApiKey',
      subjectId: apiKey.id,
      summary: { name: data.name, prefix },
    });
    await em.flush();
    await em.populate(apiKey, ['organization']);
    return { apiKey, secret: key };
  }

  async revoke(ctx: RequestContext, id: string): Promise<ApiKey> {
    requireUser(ctx);
    const em = ctx.em.fork();
    const apiKey = isId(id) ? await em.findOne(ApiKey, id, { populate: ['organization'] }) : null;
    if (!apiKey) throw new NotFoundError('API key');
    await this.requirePartnerOrg(ctx, apiKey.organization.id, 'id', 'API key');
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      this.audit.record(ctx, em, {
        action: 'api_key.revoke',
        organizationId: apiKey.organization.id,
        subjectType: 'ApiKey',
        subjectId: apiKey.id,
        summary: { name: apiKey.name, prefix: apiKey.prefix },
      });
      await em.flush();
    }
    return apiKey;
  }

  private async requirePartnerOrg(ctx: RequestContext, organizationId: string, field: string, subject = 'Organization'): Promise<Organization> {
    requireUser(ctx);
    if (!isId(organizationId)) throw new NotFoundError(subject);
    try {
      requireRoleIn(ctx, organizationId, KEY_MANAGERS, { operatorAdminMayAct: true });
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(subject);
      throw error;
    }
    const org = await ctx.em.findOne(Organization, organizationId);
    if (!org) throw new NotFoundError(subject);
    if (org.kind !== OrganizationKind.PARTNER) {
      throw new BadUserInputError(field, 'API keys are issued to partner organizations only.');
    }
    return org;
  }
}
