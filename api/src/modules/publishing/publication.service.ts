import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Logger } from '../../logger';
import { inTransaction } from '../../jobs/queue';
import { Episode, EpisodeStatus } from '../catalog/episode.entity';
import { SeriesLicense } from '../catalog/license.entity';
import { EpisodePriceTerm } from '../catalog/price-term.entity';
import { Series } from '../catalog/series.entity';
import { CatalogEvent, CatalogEventType } from './catalog-event.entity';
import { EpisodeLiveState } from './live-state.entity';
import { PartnerProfile } from './partner-profile.entity';
import { publishGate, type GateInput } from './publish-gate';
import { ReleasePlan, releaseTimeOf } from './release-plan.entity';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from './webhook.entity';

export const WEBHOOK_QUEUE = 'webhook-delivery';

const priceKey = (p: { free: boolean; coins: number | null; currency: string | null; amountMinor: number | null }) => JSON.stringify([p.free, p.coins, p.currency, p.amountMinor]);

/**
 * Keeps what partners see in step with the publish gate: evaluates every (episode, partner,
 * territory) of the given series, stores the result, and turns each change into a catalog event
 * (and webhook deliveries) in the same transaction.
 */
export class PublicationService {
  constructor(
    private readonly queue: () => PgBoss | undefined,
    private readonly logger: Logger,
  ) {}

  /** Series that any partner might see: released to someone, or live somewhere. */
  async seriesInPlay(em: EntityManager): Promise<string[]> {
    const rows = (await em.getConnection().execute(
      `select series_id from release_plan union select distinct series_id from episode_live_state where live`,
    )) as Array<{ series_id: string }>;
    return rows.map((r) => r.series_id);
  }

  async refreshAll(em: EntityManager, at = new Date()): Promise<number> {
    const ids = await this.seriesInPlay(em);
    let events = 0;
    for (let i = 0; i < ids.length; i += 50) events += await this.refresh(em.fork(), ids.slice(i, i + 50), at);
    return events;
  }

  /** Re-evaluates the gate for every episode of these series; returns the number of events emitted. */
  async refresh(em: EntityManager, seriesIds: string[], at = new Date()): Promise<number> {
    if (!seriesIds.length) return 0;
    return em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const txc = tx.getTransactionContext();
      // One refresh of a series at a time (the tick and a request may overlap).
      await conn.execute(`select pg_advisory_xact_lock(hashtext('publication'), hashtext(id::text)) from series where id = any(?::uuid[]) order by id`, [`{${seriesIds.join(',')}}`], 'all', txc);
      const series = await tx.find(Series, { id: { $in: seriesIds } });
      const episodes = await tx.find(Episode, { series: { $in: seriesIds } }, { populate: ['currentMedia'] });
      const licenses = new Map((await tx.find(SeriesLicense, { series: { $in: seriesIds } })).map((l) => [l.series.id, l]));
      const plans = await tx.find(ReleasePlan, { series: { $in: seriesIds } });
      const existing = await tx.find(EpisodeLiveState, { seriesId: { $in: seriesIds } });
      const partnerIds = [...new Set([...plans.map((p) => p.partner.id), ...existing.map((s) => s.partnerId)])];
      const profiles = new Map((await tx.find(PartnerProfile, { organization: { $in: partnerIds } })).map((p) => [p.organization.id, p]));
      const terms = await tx.find(EpisodePriceTerm, { episode: { $in: episodes.map((e) => e.id) } });
      const termsByEpisode = new Map<string, EpisodePriceTerm[]>();
      for (const t of terms) termsByEpisode.set(t.episode.id, [...(termsByEpisode.get(t.episode.id) ?? []), t]);
      const approvals = await this.approvals(tx, episodes.map((e) => e.id));
      const state = new Map(existing.map((s) => [`${s.episodeId}|${s.partnerId}|${s.territory}`, s]));
      const seriesById = new Map(series.map((s) => [s.id, s]));
      const events: CatalogEvent[] = [];
      const liveEpisodes = new Set<string>();

      for (const episode of episodes) {
        const s = seriesById.get(episode.series.id)!;
        const contentKey = createHash('sha256').update(JSON.stringify([s.title, s.synopsis, episode.title, episode.synopsis, episode.currentMedia?.sha256 ?? null])).digest('hex');
        for (const partnerId of partnerIds) {
          const profile = profiles.get(partnerId);
          const plan = plans.find((p) => p.series.id === s.id && p.partner.id === partnerId);
          const territories = new Set([...(profile?.territories ?? []), ...existing.filter((x) => x.partnerId === partnerId && x.episodeId === episode.id).map((x) => x.territory)]);
          for (const territory of territories) {
            const input: GateInput = {
              episode: { number: episode.number, status: episode.status, mediaSha256: episode.currentMedia?.sha256 ?? null, takedownReason: episode.takedownReason },
              approval: approvals.get(episode.id) ?? null,
              license: licenses.get(s.id) ?? null,
              series: s,
              terms: termsByEpisode.get(episode.id) ?? [],
              partnerTerritories: profile?.territories ?? [],
              releaseAt: plan ? releaseTimeOf(plan, episode.number) : null,
            };
            const gate = publishGate(input, territory, at);
            const key = `${episode.id}|${partnerId}|${territory}`;
            const before = state.get(key);
            const price = gate.live ? { free: gate.price.free, coins: gate.price.coins, currency: gate.price.currency, amountMinor: gate.price.amountMinor, amount: gate.price.amount } : null;
            const event = (type: CatalogEventType, data: Record<string, unknown>) =>
              events.push(tx.create(CatalogEvent, { partnerId, type, territory, episodeId: episode.id, seriesId: s.id, data: { episodeNumber: episode.number, ...data }, occurredAt: at }));
            if (gate.live) liveEpisodes.add(episode.id);
            if (gate.live && !before?.live) event(CatalogEventType.PUBLISHED, { price });
            else if (!gate.live && before?.live) {
              const expired = gate.reasons.some((r) => r.code === 'NOT_LICENSED');
              event(expired ? CatalogEventType.EXPIRED : CatalogEventType.TAKEN_DOWN, { reasons: gate.reasons });
            } else if (gate.live && before?.live) {
              if (before.price && priceKey(before.price as never) !== priceKey(price!)) event(CatalogEventType.PRICE_CHANGED, { before: before.price, after: price });
              if (before.contentKey !== contentKey) event(CatalogEventType.UPDATED, {});
            }
            const row = before ?? tx.create(EpisodeLiveState, { episodeId: episode.id, partnerId, territory, seriesId: s.id, live: gate.live, reasons: [], evaluatedAt: at });
            row.live = gate.live;
            row.reasons = gate.reasons;
            row.price = price;
            row.contentKey = contentKey;
            row.liveSince = gate.live ? (before?.live ? before.liveSince : at) : null;
            row.evaluatedAt = at;
          }
        }
      }
      for (const episode of episodes) {
        if (liveEpisodes.has(episode.id) && episode.status === EpisodeStatus.APPROVED) episode.status = EpisodeStatus.PUBLISHED;
      }
      await tx.flush();
      await this.queueDeliveries(tx, events);
      if (events.length) this.logger.info({ series: seriesIds.length, events: events.length }, 'partner catalog changed');
      return events.length;
    });
  }

  /** Per episode: the territories its latest decided case approved, and what that approval was bound to. */
  private async approvals(em: EntityManager, episodeIds: string[]): Promise<Map<string, NonNullable<GateInput['approval']>>> {
    if (!episodeIds.length) return new Map();
    const rows = (await em.getConnection().execute(
      `select distinct on (c.episode_id) c.id, c.episode_id, c.media_sha256, c.invalidated_at,
              coalesce((select array_agg(d.territory) from review_decision d where d.review_case_id = c.id and d.decision = 'APPROVE' and not d.pending_second_approval), '{}') as approved,
              coalesce((select array_agg(d.actor_label) from review_decision d where d.review_case_id = c.id and not d.pending_second_approval), '{}') as deciders
       from review_case c where c.episode_id = any(?::uuid[]) and c.status = 'DECIDED'
       order by c.episode_id, c.decided_at desc nulls last`,
      [`{${episodeIds.join(',')}}`],
      'all',
      em.getTransactionContext(),
    )) as Array<{ episode_id: string; media_sha256: string; invalidated_at: Date | null; approved: string[]; deciders: string[] }>;
    return new Map(rows.map((r) => [r.episode_id, { approvedTerritories: r.approved, mediaSha256: r.media_sha256, invalidatedAt: r.invalidated_at, decidedBy: r.deciders }]));
  }

  /** One delivery per event and enabled endpoint, each a job in this same transaction. */
  private async queueDeliveries(tx: EntityManager, events: CatalogEvent[]): Promise<void> {
    if (!events.length) return;
    const boss = this.queue();
    const endpoints = await tx.find(WebhookEndpoint, { partner: { $in: [...new Set(events.map((e) => e.partnerId))] }, enabled: true });
    if (!endpoints.length) return;
    const deliveries: WebhookDelivery[] = [];
    for (const event of events) {
      for (const endpoint of endpoints.filter((e) => e.partner.id === event.partnerId)) {
        const payload = { type: `episode.${event.type.toLowerCase()}`, timestamp: event.occurredAt.toISOString(), data: { eventId: event.id, territory: event.territory, episodeId: event.episodeId, seriesId: event.seriesId, ...event.data } };
        deliveries.push(tx.create(WebhookDelivery, { id: `msg_${event.id}_${endpoint.id.slice(0, 8)}`, endpoint, eventType: payload.type, payload, status: DeliveryStatus.PENDING, attempts: [], createdAt: new Date() }));
      }
    }
    await tx.flush();
    if (!boss) throw new Error('the job queue is not running in this process');
    for (const d of deliveries) await boss.send(WEBHOOK_QUEUE, { deliveryId: d.id }, { db: inTransaction(tx) });
  }
}
