import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import { Webhook } from 'standardwebhooks';
import { request, type Agent } from 'undici';
import { z } from 'zod';
import type { Config } from '../../config';
import { isOperatorAdmin, membershipIn, requireUser } from '../../domain/access';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { openSecret, sealSecret } from '../../domain/secret-box';
import { parseInput } from '../../domain/validation';
import { inTransaction, WEBHOOK_QUEUE } from '../../jobs/queue';
import type { Logger } from '../../logger';
import type { AuditService } from '../audit/audit.service';
import { isId } from '../common/ids';
import { Role } from '../membership/membership.entity';
import { Organization, OrganizationKind } from '../organization/organization.entity';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { connectionFailure, OutboundAddressRefused, outboundAgent, PRIVATE_ADDRESS_REFUSAL, refusalOfHost, refusalOfUrl, type OutboundPolicy } from './outbound-address';

const SECRET_PURPOSE = 'webhook-signing';

const urlSchema = z
  .url({ protocol: /^https?$/, message: 'Use an http(s) URL.' })
  .max(2000)
  .refine((u) => !/^https?:\/\/[^/]*@/.test(u), { message: 'The URL must not contain credentials.' });

/** Refusals of the outbound policy, carried as errors a delivery attempt records. */
class TargetRefused extends Error {}

/**
 * Partner webhook endpoints and deliveries, signed per the Standard Webhooks scheme. Deliveries are
 * jobs retried with exponential backoff; an endpoint whose deliveries keep failing is disabled.
 */
export class WebhookService {
  constructor(
    private readonly audit: AuditService,
    private readonly config: Config,
    private readonly queue: () => PgBoss | undefined,
  ) {}

  private get policy(): OutboundPolicy {
    return { allowPrivateTargets: this.config.webhooks.allowPrivateTargets, requireHttps: this.config.webhooks.requireHttps };
  }

  /** One connection pool for deliveries; every connection it opens is resolved through the policy. */
  private agent?: Agent;

  /** The endpoint URL checked against the outbound policy (form, literal address, what its name resolves to). */
  private async checkedTarget(url: string): Promise<string> {
    const target = parseInput(urlSchema, url, 'url');
    const refusal = refusalOfUrl(target, this.policy) ?? (await refusalOfHost(new URL(target).hostname, this.policy));
    if (refusal) throw new BadUserInputError('url', refusal);
    return target;
  }

  private async partnerOrg(ctx: RequestContext, partnerId: string): Promise<Organization> {
    requireUser(ctx);
    const own = isId(partnerId) ? membershipIn(ctx, partnerId) : undefined;
    const allowed = isOperatorAdmin(ctx) || own?.role === Role.PARTNER_ADMIN;
    const org = allowed && isId(partnerId) ? await ctx.em.findOne(Organization, partnerId) : null;
    if (!org || org.kind !== OrganizationKind.PARTNER) throw new NotFoundError('Partner');
    return org;
  }

  async endpoints(ctx: RequestContext, partnerId: string): Promise<WebhookEndpoint[]> {
    const org = await this.partnerOrg(ctx, partnerId);
    return ctx.em.find(WebhookEndpoint, { partner: org }, { orderBy: { createdAt: 'asc' } });
  }

  /** Returns the signing secret once. */
  async createEndpoint(ctx: RequestContext, partnerId: string, url: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const org = await this.partnerOrg(ctx, partnerId);
    const target = await this.checkedTarget(url);
    const em = ctx.em.fork();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const endpoint = em.create(WebhookEndpoint, { partner: org.id, url: target, secretEncrypted: sealSecret(this.config.appSecret, SECRET_PURPOSE, secret), enabled: true, consecutiveFailures: 0, createdAt: new Date() });
    this.audit.record(ctx, em, { action: 'webhook.create', organizationId: org.id, subjectType: 'WebhookEndpoint', subjectId: endpoint.id, summary: { url: target } });
    await em.flush();
    return { endpoint, secret };
  }

  /** Turns an endpoint on again (clearing its failure count) or off. */
  async setEnabled(ctx: RequestContext, endpointId: string, enabled: boolean): Promise<WebhookEndpoint> {
    const em = ctx.em.fork();
    const endpoint = isId(endpointId) ? await em.findOne(WebhookEndpoint, endpointId) : null;
    if (!endpoint) throw new NotFoundError('Webhook endpoint');
    await this.partnerOrg(ctx, endpoint.partner.id).catch(() => {
      throw new NotFoundError('Webhook endpoint');
    });
    endpoint.enabled = enabled;
    endpoint.disabledReason = enabled ? null : 'Disabled by a person.';
    if (enabled) endpoint.consecutiveFailures = 0;
    this.audit.record(ctx, em, { action: enabled ? 'webhook.enable' : 'webhook.disable', organizationId: endpoint.partner.id, subjectType: 'WebhookEndpoint', subjectId: endpoint.id, summary: { url: endpoint.url } });
    await em.flush();
    return endpoint;
  }

  async deliveries(ctx: RequestContext, endpointId: string, first = 50): Promise<WebhookDelivery[]> {
    const endpoint = isId(endpointId) ? await ctx.em.findOne(WebhookEndpoint, endpointId) : null;
    if (!endpoint) throw new NotFoundError('Webhook endpoint');
    await this.partnerOrg(ctx, endpoint.partner.id).catch(() => {
      throw new NotFoundError('Webhook endpoint');
    });
    return ctx.em.find(WebhookDelivery, { endpoint }, { orderBy: { createdAt: 'desc' }, limit: Math.min(Math.max(first, 1), 100) });
  }

  /** Sends a delivery again now (a new job; the attempts log keeps growing). */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    const em = ctx.em.fork();
    const delivery = await em.findOne(WebhookDelivery, { id: String(deliveryId) }, { populate: ['endpoint'] });
    if (!delivery) throw new NotFoundError('Delivery');
    await this.partnerOrg(ctx, delivery.endpoint.partner.id).catch(() => {
      throw new NotFoundError('Delivery');
    });
    if (!delivery.endpoint.enabled) throw new BadUserInputError('deliveryId', 'The endpoint is disabled; enable it first.');
    delivery.status = DeliveryStatus.PENDING;
    this.audit.record(ctx, em, { action: 'webhook.redeliver', organizationId: delivery.endpoint.partner.id, subjectType: 'WebhookDelivery', subjectId: delivery.id, summary: {} });
    await em.transactional(async (tx) => {
      await tx.flush();
      await this.queue()!.send(WEBHOOK_QUEUE, { deliveryId: delivery.id, manual: true }, { db: inTransaction(tx), retryLimit: 0 });
    });
    return delivery;
  }

  /**
   * The job: POST the signed payload, record the attempt, and throw on failure so the queue retries
   * with backoff. The last failed attempt marks the delivery FAILED and may disable the endpoint.
   */
  async deliver(em: EntityManager, deliveryId: string, attempt: { isLast: boolean }, logger: Logger): Promise<void> {
    const delivery = await em.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['endpoint', 'endpoint.secretEncrypted'] });
    if (!delivery || delivery.status === DeliveryStatus.SUCCEEDED) return;
    const endpoint = delivery.endpoint;
    if (!endpoint.enabled) {
      delivery.status = DeliveryStatus.FAILED;
      delivery.attempts.push({ at: new Date().toISOString(), error: 'Endpoint disabled; not sent.' });
      await em.flush();
      return;
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = new Date();
    const signature = new Webhook(openSecret(this.config.appSecret, SECRET_PURPOSE, endpoint.secretEncrypted)).sign(delivery.id, timestamp, body);
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      // Checked again at every delivery: the policy or what the name resolves to may have changed.
      // A literal address never reaches the resolver, so the URL check covers it; a name is
      // resolved by the agent's checked lookup, which hands the connection the address it checked.
      if (refusalOfUrl(endpoint.url, this.policy)) throw new TargetRefused(PRIVATE_ADDRESS_REFUSAL);
      this.agent ??= outboundAgent(this.policy);
      const res = await request(endpoint.url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': delivery.id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature, 'user-agent': 'Greenlight-Webhooks/1' },
        body,
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
      });
      statusCode = res.statusCode;
      await res.body.dump().catch(() => undefined);
    } catch (e) {
      const cause = (e as Error & { cause?: unknown }).cause;
      if (e instanceof TargetRefused || e instanceof OutboundAddressRefused || cause instanceof OutboundAddressRefused) {
        refused = true;
        error = PRIVATE_ADDRESS_REFUSAL;
      } else if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') {
        error = `No answer within ${this.config.webhooks.timeoutMs} ms.`;
      } else {
        // The system's message names the address and how it failed (refused, unreachable): telling
        // a partner that would map the network behind the name. Only the kind of failure is told.
        refused = true;
        error = connectionFailure(e);
      }
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    // A refused or unconnected target answered nothing: no latency to report about it.
    delivery.attempts.push({ at: timestamp.toISOString(), statusCode, latencyMs: refused ? null : Date.now() - started, error: ok ? null : (error ?? `HTTP ${statusCode}`) });
    if (ok) {
      delivery.status = DeliveryStatus.SUCCEEDED;
      endpoint.consecutiveFailures = 0;
      await em.flush();
      return;
    }
    if (attempt.isLast) {
      delivery.status = DeliveryStatus.FAILED;
      endpoint.consecutiveFailures += 1;
      if (endpoint.consecutiveFailures >= this.config.webhooks.disableAfterFailedDeliveries) {
        endpoint.enabled = false;
        endpoint.disabledReason = `Disabled after ${endpoint.consecutiveFailures} deliveries failed every retry (last: ${error ?? `HTTP ${statusCode}`}).`;
        logger.warn({ endpointId: endpoint.id, url: endpoint.url }, 'webhook endpoint disabled after persistent failures');
      }
    }
    await em.flush();
    throw new Error(`webhook delivery ${delivery.id} failed: ${error ?? `HTTP ${statusCode}`}`);
  }
}
