import { failed, formString, rejected, succeeded } from './forms.server';
import { graphql, type ResultOf } from '~/graphql';
import { TerritoryOutcomeFields } from '~/components/territory-outcomes';
import { gql, type ApiResult } from './graphql.server';
import { formatDateTime } from '~/components/time';
import { releaseStartOf, type ReleaseHorizon, type ReleaseMode } from './publishing';

const PartnerFields = graphql(`fragment PartnerFields on PartnerInfo { organization { id name } profile { territories currency rateLimitPerMinute } }`);
const WebhookEndpointFields = graphql(`fragment WebhookEndpointFields on WebhookEndpoint { id url enabled disabledReason consecutiveFailures createdAt }`);

const PARTNERS = graphql(`query Partners { partners { ...PartnerFields } }`, [PartnerFields]);
const DISTRIBUTION = graphql(`
  query Distribution($id: ID!) {
    series(id: $id) {
      distribution {
        partner { id name }
        plan { mode startsAt episodesPerDay }
        episodes { episode { number title status territoryOutcomes { ...TerritoryOutcomeFields } } territory live releaseAt reasons { code message } }
      }
    }
  }
`, [TerritoryOutcomeFields]);
const SET_RELEASE_PLAN = graphql(`
  mutation SetReleasePlan($seriesId: ID!, $partnerId: ID!, $input: ReleasePlanInput!) {
    setReleasePlan(seriesId: $seriesId, partnerId: $partnerId, input: $input) { id }
  }
`);
const RELEASE_HORIZON = graphql(`query ReleaseHorizon { releaseHorizon { horizonYears latestStartsAt earliestDropsStartsAt } }`);
const REMOVE_RELEASE_PLAN = graphql(`mutation RemoveReleasePlan($seriesId: ID!, $partnerId: ID!) { removeReleasePlan(seriesId: $seriesId, partnerId: $partnerId) }`);
const UPDATE_PARTNER = graphql(`
  mutation UpdatePartner($partnerId: ID!, $input: PartnerProfileInput!) {
    updatePartner(partnerId: $partnerId, input: $input) { territories currency rateLimitPerMinute }
  }
`);
const WEBHOOK_ENDPOINTS = graphql(
  `query WebhookEndpoints($partnerId: ID!) { webhookEndpoints(partnerId: $partnerId) { ...WebhookEndpointFields } }`,
  [WebhookEndpointFields],
);
const WEBHOOK_DELIVERIES = graphql(`
  query WebhookDeliveries($endpointId: ID!, $first: Int) { webhookDeliveries(endpointId: $endpointId, first: $first) { id eventType status attempts createdAt } }
`);
const CREATE_WEBHOOK_ENDPOINT = graphql(
  `mutation CreateWebhookEndpoint($partnerId: ID!, $url: String!) { createWebhookEndpoint(partnerId: $partnerId, url: $url) { secret endpoint { ...WebhookEndpointFields } } }`,
  [WebhookEndpointFields],
);
const SET_WEBHOOK_ENDPOINT_ENABLED = graphql(
  `mutation SetWebhookEndpointEnabled($id: ID!, $enabled: Boolean!) { setWebhookEndpointEnabled(id: $id, enabled: $enabled) { ...WebhookEndpointFields } }`,
  [WebhookEndpointFields],
);
const REDELIVER_WEBHOOK = graphql(`mutation RedeliverWebhook($deliveryId: ID!) { redeliverWebhook(deliveryId: $deliveryId) { id eventType } }`);

export type Partner = ResultOf<typeof PartnerFields>;
export type PartnerDistribution = ResultOf<typeof DISTRIBUTION>['series']['distribution'][number];
export type DistributionCell = PartnerDistribution['episodes'][number];
export type WebhookEndpoint = ResultOf<typeof WebhookEndpointFields>;
export type WebhookDelivery = ResultOf<typeof WEBHOOK_DELIVERIES>['webhookDeliveries'][number];
export interface EndpointWithDeliveries extends WebhookEndpoint {
  deliveries: WebhookDelivery[];
}

/** How many deliveries each endpoint's log shows. */
const DELIVERY_LOG_SIZE = 20;

export async function listPartners(request: Request): Promise<ApiResult<Partner[]>> {
  const result = await gql(request, PARTNERS, {});
  return result.ok ? { ok: true, data: result.data.partners } : result;
}

/** Per partner the series is released to (or live with): its plan and every episode × territory. */
export async function getDistribution(request: Request, seriesId: string): Promise<ApiResult<PartnerDistribution[]>> {
  const result = await gql(request, DISTRIBUTION, { id: seriesId });
  return result.ok ? { ok: true, data: result.data.series.distribution } : result;
}

/** The times a release plan may hold now (the API's rule), for the form to check before asking to confirm. */
export async function getReleaseHorizon(request: Request): Promise<ApiResult<ReleaseHorizon>> {
  const result = await gql(request, RELEASE_HORIZON, {});
  return result.ok ? { ok: true, data: result.data.releaseHorizon } : result;
}

export async function setReleasePlan(
  request: Request,
  input: { seriesId: string; partnerId: string; mode: ReleaseMode; startsAt: string; episodesPerDay: number | null },
): Promise<ApiResult<{ id: string }>> {
  const { seriesId, partnerId, ...plan } = input;
  const result = await gql(request, SET_RELEASE_PLAN, { seriesId, partnerId, input: plan });
  return result.ok ? { ok: true, data: result.data.setReleasePlan } : result;
}

export async function removeReleasePlan(request: Request, seriesId: string, partnerId: string): Promise<ApiResult<boolean>> {
  const result = await gql(request, REMOVE_RELEASE_PLAN, { seriesId, partnerId });
  return result.ok ? { ok: true, data: result.data.removeReleasePlan } : result;
}

export async function updatePartner(
  request: Request,
  partnerId: string,
  input: { territories: string[]; currency: string; rateLimitPerMinute: number | null },
): Promise<ApiResult<Partner['profile']>> {
  const result = await gql(request, UPDATE_PARTNER, { partnerId, input });
  return result.ok ? { ok: true, data: result.data.updatePartner } : result;
}

/** A partner's webhook endpoints, each with its latest deliveries. */
export async function listWebhooks(request: Request, partnerId: string): Promise<ApiResult<EndpointWithDeliveries[]>> {
  const result = await gql(request, WEBHOOK_ENDPOINTS, { partnerId });
  if (!result.ok) return result;
  const logs = await Promise.all(
    result.data.webhookEndpoints.map((endpoint) =>
      gql(request, WEBHOOK_DELIVERIES, { endpointId: endpoint.id, first: DELIVERY_LOG_SIZE }),
    ),
  );
  const withDeliveries: EndpointWithDeliveries[] = [];
  for (const [i, endpoint] of result.data.webhookEndpoints.entries()) {
    const log = logs[i]!;
    if (!log.ok) return log;
    withDeliveries.push({ ...endpoint, deliveries: log.data.webhookDeliveries });
  }
  return { ok: true, data: withDeliveries };
}

async function createWebhookEndpoint(request: Request, partnerId: string, url: string): Promise<ApiResult<{ endpoint: WebhookEndpoint; secret: string }>> {
  const result = await gql(request, CREATE_WEBHOOK_ENDPOINT, { partnerId, url });
  return result.ok ? { ok: true, data: result.data.createWebhookEndpoint } : result;
}

async function setWebhookEndpointEnabled(request: Request, id: string, enabled: boolean): Promise<ApiResult<WebhookEndpoint>> {
  const result = await gql(request, SET_WEBHOOK_ENDPOINT_ENABLED, { id, enabled });
  return result.ok ? { ok: true, data: result.data.setWebhookEndpointEnabled } : result;
}

async function redeliverWebhook(request: Request, deliveryId: string): Promise<ApiResult<{ id: string; eventType: string }>> {
  const result = await gql(request, REDELIVER_WEBHOOK, { deliveryId });
  return result.ok ? { ok: true, data: result.data.redeliverWebhook } : result;
}

export const webhookTarget = (partnerId: string) => `webhooks:${partnerId}`;

export const WEBHOOK_INTENTS = ['createWebhook', 'setWebhookEnabled', 'redeliverWebhook'] as const;

export function isWebhookIntent(intent: string): boolean {
  return (WEBHOOK_INTENTS as readonly string[]).includes(intent);
}

/**
 * The webhook panel's forms. The outcome's `target` is the partner, so a page with several
 * partners shows it beside the right panel. The caller decides which partner a form may touch.
 */
export async function handleWebhookForm(request: Request, form: FormData, partnerId: string) {
  const intent = formString(form, 'intent');
  // Not the bare partner id: the API key panel on the same page answers to that.
  const target = webhookTarget(partnerId);
  if (intent === 'createWebhook') {
    const url = formString(form, 'url');
    if (!/^https?:\/\/\S+$/i.test(url)) return rejected({ intent, target, fieldErrors: { url: 'Enter the full address, such as https://example.com/greenlight/webhooks.' } });
    const result = await createWebhookEndpoint(request, partnerId, url);
    if (!result.ok) return failed(request, result.error, { intent, target, fields: ['url'] });
    return succeeded({ intent, target, notice: `Endpoint ${result.data.endpoint.url} added.`, secret: result.data.secret });
  }
  if (intent === 'setWebhookEnabled') {
    const enabled = formString(form, 'enabled') === 'true';
    const result = await setWebhookEndpointEnabled(request, formString(form, 'endpointId'), enabled);
    if (!result.ok) return failed(request, result.error, { intent, target });
    return succeeded({ intent, target, notice: `Endpoint ${result.data.url} ${enabled ? 'enabled' : 'disabled'}.` });
  }
  const result = await redeliverWebhook(request, formString(form, 'deliveryId'));
  if (!result.ok) return failed(request, result.error, { intent, target });
  return succeeded({ intent, target, notice: `The ${result.data.eventType} event is queued for delivery again.` });
}

/** The partner settings form (operator admins). */
export async function handlePartnerForm(request: Request, form: FormData) {
  const intent = 'updatePartner';
  const target = formString(form, 'partnerId');
  const territories = form.getAll('territories').filter((t): t is string => typeof t === 'string' && t !== '');
  const currency = formString(form, 'currency').toUpperCase();
  const rateText = formString(form, 'rateLimitPerMinute');
  const fieldErrors: Record<string, string> = {};
  if (territories.length === 0) fieldErrors.territories = 'Pick at least one territory the partner serves.';
  if (!/^[A-Z]{3}$/.test(currency)) fieldErrors.currency = 'Enter an ISO 4217 code, such as USD.';
  const rate = rateText === '' ? null : Number(rateText);
  if (rate !== null && (!Number.isInteger(rate) || rate < 1)) fieldErrors.rateLimitPerMinute = 'Enter a whole number of requests per minute, or leave it empty for the default.';
  if (Object.keys(fieldErrors).length) return rejected({ intent, target, fieldErrors });
  const result = await updatePartner(request, target, { territories, currency, rateLimitPerMinute: rate });
  if (!result.ok) return failed(request, result.error, { intent, target, fields: ['territories', 'currency', 'rateLimitPerMinute'] });
  return succeeded({ intent, target, notice: 'Partner settings saved.' });
}

/** The release plan forms on a series' Distribution tab. */
export async function handleReleaseForm(request: Request, seriesId: string, form: FormData) {
  const intent = formString(form, 'intent');
  const partnerId = formString(form, 'partnerId');
  if (intent === 'removeReleasePlan') {
    const result = await removeReleasePlan(request, seriesId, partnerId);
    if (!result.ok) return failed(request, result.error, { intent, target: partnerId });
    return succeeded({ intent, target: partnerId, notice: 'The release plan is removed; its live episodes are withdrawn from the partner.' });
  }
  const mode = formString(form, 'mode') as ReleaseMode;
  const startsAtText = formString(form, 'startsAt');
  const perDayText = formString(form, 'episodesPerDay');
  const fieldErrors: Record<string, string> = {};
  if (!partnerId) fieldErrors.partnerId = 'Choose a partner.';
  if (!['ALL_AT_ONCE', 'DROPS', 'SCHEDULED'].includes(mode)) fieldErrors.mode = 'Choose how to release.';
  const now = new Date();
  const startsAt = releaseStartOf(startsAtText, now);
  if (!startsAt) fieldErrors.startsAt = 'Enter a date and time.';
  let episodesPerDay: number | null = null;
  if (mode === 'DROPS') {
    episodesPerDay = Number(perDayText);
    if (!Number.isInteger(episodesPerDay) || episodesPerDay < 1) fieldErrors.episodesPerDay = 'Enter how many episodes go live each day (1 or more).';
  }
  if (Object.keys(fieldErrors).length || !startsAt) return rejected({ intent, target: 'plan', fieldErrors });
  const result = await setReleasePlan(request, { seriesId, partnerId, mode, startsAt: startsAt.toISOString(), episodesPerDay });
  if (!result.ok) return failed(request, result.error, { intent, target: 'plan', fields: ['mode', 'startsAt', 'episodesPerDay', 'episodeTimes'] });
  const when = startsAt.getTime() > now.getTime() ? `from ${formatDateTime(startsAt.toISOString())}` : 'now';
  return succeeded({ intent, target: 'plan', notice: `The release plan is saved. Episodes go live ${when}, as soon as every check passes.` });
}
