import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Logger } from '../../logger';
import { inTransaction, WEBHOOK_QUEUE } from '../../jobs/queue';
import type { LicenseLike } from '../catalog/availability';
import { licensedTracks, localizationOffer } from '../catalog/localization';
import { ACTIVE_PACKS, effectivePolicy } from '../review/policy';
import { transitionEpisodesInSql } from '../catalog/episode-lifecycle';
import type { PriceTermLike } from '../catalog/pricing';
import { invalidateCases } from '../review/case-invalidation';
import { canonicalJson, changedReviewedFields, loadReviewedSnapshots, REVIEWED_FIELD_NAMES, reviewedDigest, reviewStillCurrent, type ReviewedSnapshot } from '../review/reviewed-material';
import { CatalogEventType } from './catalog-event.entity';
import type { DarkGroup, PriceGroup } from './partner-episode-state.entity';
import { aiContentDeclaration } from '../ai-disclosure/ai-content';
import { EPISODE_DELETED, EVALUATION_FAILED, goLiveBlockers, nextGateBoundary, publishGate, type GateInput, type GateReason, type GoLiveInput } from './publish-gate';
import { releaseTimeOf, type ReleaseMode } from './release-plan.entity';
import { reviewStoppers, territoryReasons, type GoLiveReason } from './go-live';
import type { CheckedMaterial } from '../review/deterministic-checks';
import type { RegulatoryFiling, TerritoryRating } from '../catalog/series.entity';


/** Series re-evaluated per transaction: big enough to amortise statements, small enough to keep locks short. */
const BATCH = 50;

type Price = PriceGroup['price'];

interface StateRow {
  episode_id: string;
  partner_id: string;
  series_id: string;
  live_territories: string[];
  prices: PriceGroup[];
  dark: DarkGroup[];
  content_key: string | null;
  episode_version: number;
  series_version: number;
  live_since: Date | null;
  changed_at: Date;
  evaluated_at: Date;
}

interface EventDraft {
  partner_id: string;
  type: CatalogEventType;
  territory: string;
  episode_id: string;
  series_id: string;
  data: Record<string, unknown>;
  occurred_at: Date;
}

export interface DrainResult {
  /** Series re-evaluated. */
  series: number;
  /** Catalog events emitted. */
  events: number;
}

/** Connection loss, timeouts and resource limits say nothing about the data: try again, never withdraw. */
type Loaded = Awaited<ReturnType<PublicationService['load']>>;

/** An episode's gate inputs apart from its review and its partners: one builder for the evaluation and the pre-flight. */
function goLiveInputOf(data: Loaded, episode: Loaded['episodes'][number], series: NonNullable<ReturnType<Loaded['series']['get']>>, snapshot: ReviewedSnapshot, digest: string): GoLiveInput {
  const offer = localizationOffer({ originalLanguage: snapshot.originalLanguage, subtitles: snapshot.subtitles, licensedSubtitleLanguages: data.subtitleLanguages.get(series.id) ?? [], dubs: snapshot.audio, licensedDubLanguages: data.dubLanguages.get(series.id) ?? [] });
  return {
    episode: { number: episode.number, status: episode.status, takedownReason: episode.takedown_reason, materialDigest: digest, mediaSha256: snapshot.mediaSha256 },
    license: data.licenses.get(series.id) ?? null,
    series: { freeEpisodeCount: series.free_episode_count, defaultCoinPrice: series.default_coin_price, archived: Boolean(series.archived_at) },
    studioSuspended: series.studio_suspended,
    terms: data.termsByEpisode.get(episode.id) ?? [],
    localization: { offer, requirementFor: localizationRequirementFor },
    aiContent: aiContentDeclaration(snapshot, snapshot.episodeAiElements),
  };
}

/** The material the review's deterministic checks read, as it is now (the reviewed snapshot, the license, the current video). */
function checkedMaterialOf(snapshot: ReviewedSnapshot, license: LicenseLike | null, media: CheckedMaterial['media'], episode: { id: string; number: number }, at: Date): CheckedMaterial {
  return {
    at,
    episode: { id: episode.id, number: episode.number, title: snapshot.episodeTitle, synopsis: snapshot.episodeSynopsis, aiElements: snapshot.episodeAiElements ?? [] },
    series: { title: snapshot.seriesTitle, filings: snapshot.filings as RegulatoryFiling[], maturityRatings: snapshot.maturityRatings as TerritoryRating[] },
    license: license && { ...license, aiGeneratedContent: snapshot.aiGeneratedContent, aiDisclosure: snapshot.aiDisclosure, aiElements: snapshot.aiElements ?? [], aiLabel: snapshot.aiLabel ?? null },
    media,
    subtitles: snapshot.subtitles.map((t) => ({ language: t.language, cues: [] })),
  };
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as { message?: string }).message ?? '';
  return /^(08|53|57)/.test(code) || code === '55P03' || /ECONN|ETIMEDOUT|EPIPE|timeout|terminat/i.test(`${code} ${message}`);
}

const priceKey = (p: Price | null | undefined) => (p ? JSON.stringify([p.free, p.coins, p.currency, p.amountMinor]) : 'none');
const uuids = (ids: readonly string[]) => `{${ids.join(',')}}`;

/** Each territory's localization requirement, from its policy pack (packs change only with a release). */
const localizationRequirements = new Map<string, ReturnType<typeof effectivePolicy>['localization']>();
const localizationRequirementFor = (territory: string) => {
  if (!localizationRequirements.has(territory)) localizationRequirements.set(territory, effectivePolicy(territory).localization);
  return localizationRequirements.get(territory)!;
};

/** Territories with their own policy pack: where a policy can hold an episode back (AI label, localization). */
const policyTerritories = () => ACTIVE_PACKS.map((p) => p.territory).filter((t) => t !== 'GLOBAL');

/** The digest of a loaded snapshot, computed once per evaluation (the lapse check and the gate both need it). */
const digests = new WeakMap<ReviewedSnapshot, string>();
const digestOf = (snapshot: ReviewedSnapshot): string => {
  let digest = digests.get(snapshot);
  if (digest === undefined) digests.set(snapshot, (digest = reviewedDigest(snapshot)));
  return digest;
};

/**
 * Keeps what partners see equal to the publish gate over the current data.
 *
 * Every write to a gate input marks its series in `publication_mark` (database triggers, see the
 * publication migration), and each evaluation records when the series' result can next flip by
 * itself in `publication_schedule`. `drain` re-evaluates exactly the series that are marked or due,
 * in batches, each series under a transaction-scoped advisory lock, so any number of processes on
 * any number of machines can drain at once. A drain with nothing to do costs two index probes,
 * whatever the catalog size.
 */
export class PublicationService {
  constructor(
    private readonly queue: () => PgBoss | undefined,
    private readonly logger: Logger,
    /** The instant the gate is evaluated at (injected so tests can move time across boundaries). */
    readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Re-evaluates marked and due series until none is left (or `maxSeries` were done).
   * `wait`: wait for series another process is evaluating instead of skipping them — a request
   * that just changed something uses it to read its own write.
   */
  async drain(em: EntityManager, options: { wait?: boolean; maxSeries?: number; marksUpTo?: string } = {}): Promise<DrainResult> {
    const total: DrainResult = { series: 0, events: 0 };
    const skipped = new Set<string>();
    const max = options.maxSeries ?? Number.POSITIVE_INFINITY;
    while (total.series < max) {
      const at = this.clock();
      const candidates = await this.pending(em, Math.min(BATCH, max - total.series), [...skipped], at, options.marksUpTo);
      if (!candidates.length) break;
      let results: Array<{ evaluated: number; events: number; skipped: string[] }>;
      try {
        results = [await this.withRetry(() => this.evaluate(em.fork(), candidates, null, options.wait ?? false))];
      } catch {
        // One series whose data cannot be evaluated must not hold up the others: each is tried alone.
        results = [];
        for (const seriesId of candidates) {
          try {
            results.push(await this.withRetry(() => this.evaluate(em.fork(), [seriesId], null, options.wait ?? false)));
          } catch (seriesError) {
            if (isTransient(seriesError)) {
              // The database is unreachable or slow: nothing is known about the data; try again later.
              this.logger.warn({ err: seriesError, seriesId }, 'a series could not be evaluated for partners now; it is tried again');
              results.push({ evaluated: 0, events: 0, skipped: [seriesId] });
              continue;
            }
            this.logger.error({ err: seriesError, seriesId }, 'a series could not be evaluated for partners; it is withdrawn until it can');
            results.push({ evaluated: 0, events: await this.withdrawUnevaluable(em.fork(), seriesId, this.clock()).catch(() => 0), skipped: [seriesId] });
          }
        }
      }
      for (const result of results) {
        for (const id of result.skipped) skipped.add(id);
        total.series += result.evaluated;
        total.events += result.events;
      }
    }
    if (total.events) this.logger.info({ series: total.series, events: total.events }, 'partner catalogs changed');
    return total;
  }

  /** Re-evaluates these series at `at`, whether marked or not (a full rebuild passes every series). */
  async evaluateNow(em: EntityManager, seriesIds: readonly string[], at?: Date): Promise<DrainResult> {
    const total: DrainResult = { series: 0, events: 0 };
    for (let i = 0; i < seriesIds.length; i += BATCH) {
      const result = await this.withRetry(() => this.evaluate(em.fork(), seriesIds.slice(i, i + BATCH), at ?? null, true, true));
      total.series += result.evaluated;
      total.events += result.events;
    }
    return total;
  }

  /**
   * Series with a mark, or whose next boundary has passed. With `marksUpTo`, only series marked by
   * then (a request reading its own writes does not take on everyone's later work, nor time).
   */
  private async pending(em: EntityManager, limit: number, exclude: string[], at: Date, marksUpTo?: string): Promise<string[]> {
    const rows = (await em.getConnection().execute(
      marksUpTo
        ? `select distinct series_id from publication_mark where id <= ? and series_id <> all(?::uuid[]) limit ?`
        : `select series_id from (
             (select series_id from publication_schedule where due_at <= ? and series_id <> all(?::uuid[]) order by due_at limit ?)
             union
             (select distinct series_id from publication_mark where series_id <> all(?::uuid[]) limit ?)
           ) q limit ?`,
      marksUpTo ? [marksUpTo, uuids(exclude), limit] : [at, uuids(exclude), limit, uuids(exclude), limit, limit],
    )) as Array<{ series_id: string }>;
    return rows.map((r) => r.series_id);
  }

  /** Deadlocks with a concurrent writer are rare and harmless to retry: the whole evaluation rolled back. */
  private async withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  /**
   * Evaluates the series it can lock (all of them with `wait`). Unless `force`, a series another
   * process evaluated meanwhile (no mark left, not due) is left alone. The instant is taken after the
   * locks and never before an earlier evaluation's, so time never runs backwards for a series.
   */
  private async evaluate(em: EntityManager, seriesIds: readonly string[], fixedAt: Date | null, wait: boolean, force = false): Promise<{ evaluated: number; events: number; skipped: string[] }> {
    const ids = [...new Set(seriesIds)].sort();
    return em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const txc = tx.getTransactionContext();
      const sql = async <R>(text: string, params: unknown[] = []) => (await conn.execute(text, params, 'all', txc)) as R[];
      // One evaluation of a series at a time; locks are taken in id order so drains never deadlock each other.
      let claimed = wait
        ? (await sql<{ id: string }>(`select id from (select id, pg_advisory_xact_lock(hashtext('publication'), hashtext(id::text)) from unnest(?::uuid[]) id order by id) q`, [uuids(ids)])).map((r) => r.id)
        : (await sql<{ id: string }>(`select id from unnest(?::uuid[]) id where pg_try_advisory_xact_lock(hashtext('publication'), hashtext(id::text)) order by id`, [uuids(ids)])).map((r) => r.id);
      const skipped = ids.filter((id) => !claimed.includes(id));
      if (!claimed.length) return { evaluated: 0, events: 0, skipped };
      const [last] = await sql<{ at: Date | null }>(`select max(evaluated_at) as at from publication_schedule where series_id = any(?::uuid[])`, [uuids(claimed)]);
      const now = this.clock();
      const at = fixedAt ?? (last?.at && new Date(last.at) > now ? new Date(last.at) : now);
      if (!force) {
        const still = await sql<{ id: string }>(
          `select c.series_id as id from unnest(?::uuid[]) as c(series_id)
           where exists (select 1 from publication_mark m where m.series_id = c.series_id)
              or exists (select 1 from publication_schedule p where p.series_id = c.series_id and p.due_at <= ?)`,
          [uuids(claimed), at],
        );
        claimed = still.map((r) => r.id);
        if (!claimed.length) return { evaluated: 0, events: 0, skipped };
      }
      // Marks committed before this point are consumed here; their writes are visible to the reads below.
      await sql(`delete from publication_mark where series_id = any(?::uuid[])`, [uuids(claimed)]);
      const data = await this.load(tx, claimed);

      const lapsed = await this.lapseChangedReviews(tx, data);
      const { states, deletions, events, liveEpisodeIds } = this.compute(data, lapsed, at);

      if (states.length) {
        await sql(
          `insert into partner_episode_state (episode_id, partner_id, series_id, live_territories, prices, dark, content_key, episode_version, series_version, live_since, changed_at, evaluated_at)
           select episode_id, partner_id, series_id, live_territories, prices, dark, content_key, episode_version, series_version, live_since, changed_at, evaluated_at
           from jsonb_to_recordset(?::jsonb) as r(episode_id uuid, partner_id uuid, series_id uuid, live_territories text[], prices jsonb, dark jsonb, content_key text, episode_version int, series_version int, live_since timestamptz, changed_at timestamptz, evaluated_at timestamptz)
           on conflict (episode_id, partner_id) do update set live_territories = excluded.live_territories, prices = excluded.prices, dark = excluded.dark,
             content_key = excluded.content_key, episode_version = excluded.episode_version, series_version = excluded.series_version,
             live_since = excluded.live_since, changed_at = excluded.changed_at, evaluated_at = excluded.evaluated_at`,
          [JSON.stringify(states)],
        );
      }
      if (deletions.length) {
        await sql(`delete from partner_episode_state where (episode_id, partner_id) in (select * from unnest(?::uuid[], ?::uuid[]))`, [uuids(deletions.map((d) => d.episodeId)), uuids(deletions.map((d) => d.partnerId))]);
      }
      await this.followEpisodeStatus(tx, data, lapsed, liveEpisodeIds);
      await this.schedule(tx, data, at);
      // Marks this transaction made itself (status changes above) are not news to anyone.
      await sql(`delete from publication_mark where series_id = any(?::uuid[]) and xmin = pg_current_xact_id()::xid`, [uuids(claimed)]);
      // Last, so the feed's position lock is held only until commit.
      await this.emit(tx, events);
      return { evaluated: claimed.length, events: events.length, skipped };
    });
  }

  /**
   * Per episode of the series (or only `episodeIds`) and per territory, what would keep it from
   * going live: what the review's deterministic checks would find (`reviewStoppers`), then what the
   * gate would hold back once approved and released (`goLiveBlockers`), read from the same inputs the
   * review and the evaluation read. Territories: those the license names, those of every partner the
   * studio can release to (not suspended; the Distribution page names them and their territories to
   * the studio), and those with a policy pack.
   */
  async goLivePreflight(em: EntityManager, seriesId: string, episodeIds: readonly string[] | null, at = this.clock()): Promise<Array<{ episodeId: string; number: number; territory: string; blockers: GoLiveReason[] }>> {
    const data = await this.load(em, [seriesId]);
    const series = data.series.get(seriesId);
    if (!series) return [];
    const partnerTerritories = await em.getConnection().execute<Array<{ territories: string[] }>>(
      `select coalesce(p.territories, '{}') as territories from partner_profile p join organization o on o.id = p.organization_id where o.suspended_at is null`,
    );
    const territories = [
      ...new Set([
        ...(data.licenses.get(seriesId)?.territoriesIncluded ?? []),
        ...partnerTerritories.flatMap((p) => p.territories),
        ...policyTerritories(),
      ]),
    ]
      .filter((t) => /^[A-Z]{2}$/.test(t))
      .sort();
    const media = new Map(
      (
        await em.getConnection().execute<Array<{ id: string; duration_seconds: number; width: number; height: number }>>(
          `select e.id, m.duration_seconds, m.width, m.height from episode e join media_revision m on m.id = e.current_media_id where e.series_id = ?`,
          [seriesId],
        )
      ).map((m) => [m.id, { durationSeconds: Number(m.duration_seconds), width: m.width, height: m.height }]),
    );
    const license = data.licenses.get(seriesId) ?? null;
    const out: Array<{ episodeId: string; number: number; territory: string; blockers: GoLiveReason[] }> = [];
    for (const episode of data.episodes) {
      if (episodeIds && !episodeIds.includes(episode.id)) continue;
      const snapshot = data.snapshots.get(episode.id);
      if (!snapshot) continue;
      const input = goLiveInputOf(data, episode, series, snapshot, digestOf(snapshot));
      const material = checkedMaterialOf(snapshot, license, media.get(episode.id) ?? null, episode, at);
      for (const territory of territories) {
        const gate = goLiveBlockers(input, territory, at).map((r): GoLiveReason => ({ ...r, stage: 'PUBLICATION' }));
        out.push({ episodeId: episode.id, number: episode.number, territory, blockers: territoryReasons(reviewStoppers(material, territory), gate) });
      }
    }
    return out;
  }

  private async load(tx: EntityManager, seriesIds: string[]) {
    const conn = tx.getConnection();
    const txc = tx.getTransactionContext();
    const sql = async <R>(text: string, params: unknown[] = []) => (await conn.execute(text, params, 'all', txc)) as R[];
    const ids = uuids(seriesIds);
    // One connection serves the transaction: statements run one after another.
    const series = await sql<{ id: string; archived_at: Date | null; free_episode_count: number; default_coin_price: number | null; cover_image_url: string | null; orientation: string; material_version: number; studio_suspended: boolean }>(
        `select s.id, s.archived_at, s.free_episode_count, s.default_coin_price, s.cover_image_url, s.orientation, s.material_version, (o.suspended_at is not null) as studio_suspended
         from series s join organization o on o.id = s.studio_id where s.id = any(?::uuid[])`,
        [ids],
      );
    const episodes = await sql<{ id: string; series_id: string; number: number; status: string; takedown_reason: string | null; material_version: number }>(`select id, series_id, number, status, takedown_reason, material_version from episode where series_id = any(?::uuid[]) order by series_id, number`, [ids]);
    const licenses = await sql<{ series_id: string; territories_included: string[]; territories_excluded: string[]; window_start: Date | null; window_end: Date | null; holdbacks: LicenseLike['holdbacks']; shown: unknown[]; subtitle_languages: string[]; dub_languages: string[] }>(
        `select series_id, territories_included, territories_excluded, window_start, window_end, holdbacks, subtitle_languages, dub_languages,
                json_build_array(licensor, source_work_title, source_work_kind, source_work_author, source_work_publisher) as shown from series_license where series_id = any(?::uuid[])`,
        [ids],
      );
    const terms = await sql<{ id: string; episode_id: string; territory: string; free: boolean; coins: number | null; currency: string | null; amount_minor: number | null; starts_at: Date | null; ends_at: Date | null }>(
        `select t.id, t.episode_id, t.territory, t.free, t.coins, t.currency, t.amount_minor, t.starts_at, t.ends_at from episode_price_term t join episode e on e.id = t.episode_id where e.series_id = any(?::uuid[])`,
        [ids],
      );
    const plans = await sql<{ series_id: string; partner_id: string; mode: ReleaseMode; starts_at: Date; episodes_per_day: number | null; episode_times: Record<string, string> }>(
        `select series_id, partner_id, mode, starts_at, episodes_per_day, episode_times from release_plan where series_id = any(?::uuid[])`,
        [ids],
      );
    const existing = await sql<StateRow>(`select * from partner_episode_state where series_id = any(?::uuid[])`, [ids]);
    const decided = await sql<{ id: string; episode_id: string; metadata_hash: string; media_sha256: string; metadata_snapshot: Partial<ReviewedSnapshot>; invalidated_at: Date | null; approved: string[]; deciders: string[] }>(
        `select distinct on (c.episode_id) c.id, c.episode_id, c.metadata_hash, c.media_sha256, c.metadata_snapshot, c.invalidated_at,
                coalesce((select array_agg(distinct q.territory) from (
                  select d.territory from review_decision d where d.review_case_id = c.id and d.decision = 'APPROVE' and not d.pending_second_approval
                  union all
                  -- An appeal decides only the territories it appealed; the others keep the decision appealed from.
                  select d.territory from review_decision d
                  where c.kind = 'APPEAL' and d.review_case_id = c.previous_case_id and d.decision = 'APPROVE' and not d.pending_second_approval and not (d.territory = any(c.territories))
                ) q), '{}') as approved,
                coalesce((select array_agg(d.actor_label) from review_decision d where d.review_case_id = c.id and not d.pending_second_approval), '{}') as deciders
         from review_case c join episode e on e.id = c.episode_id
         where e.series_id = any(?::uuid[]) and c.status = 'DECIDED'
         order by c.episode_id, c.decided_at desc nulls last, c.submitted_at desc`,
        [ids],
      );
    const open = await sql<{ id: string; episode_id: string; metadata_hash: string; media_sha256: string; metadata_snapshot: Partial<ReviewedSnapshot> }>(
        `select c.id, c.episode_id, c.metadata_hash, c.media_sha256, c.metadata_snapshot from review_case c join episode e on e.id = c.episode_id
         where e.series_id = any(?::uuid[]) and c.status in ('QUEUED', 'SCREENING', 'PENDING_REVIEW') and c.invalidated_at is null`,
        [ids],
      );
    const partnerIds = [...new Set([...plans.map((p) => p.partner_id), ...existing.map((s) => s.partner_id)])];
    const partners = partnerIds.length
      ? await sql<{ id: string; suspended: boolean; territories: string[] }>(
          `select o.id, (o.suspended_at is not null) as suspended, coalesce(p.territories, '{}') as territories from organization o left join partner_profile p on p.organization_id = o.id where o.id = any(?::uuid[])`,
          [uuids(partnerIds)],
        )
      : [];
    const snapshots = await loadReviewedSnapshots(tx, episodes.map((e) => e.id));
    const termsByEpisode = new Map<string, PriceTermLike[]>();
    for (const t of terms) {
      const list = termsByEpisode.get(t.episode_id) ?? [];
      list.push({ id: t.id, territory: t.territory, free: t.free, coins: t.coins, currency: t.currency, amountMinor: t.amount_minor, startsAt: t.starts_at ? new Date(t.starts_at) : null, endsAt: t.ends_at ? new Date(t.ends_at) : null });
      termsByEpisode.set(t.episode_id, list);
    }
    return {
      seriesIds,
      series: new Map(series.map((s) => [s.id, s])),
      episodes,
      snapshots,
      licenses: new Map(
        licenses.map((l): [string, LicenseLike] => [
          l.series_id,
          { territoriesIncluded: l.territories_included, territoriesExcluded: l.territories_excluded, windowStart: l.window_start ? new Date(l.window_start) : null, windowEnd: l.window_end ? new Date(l.window_end) : null, holdbacks: l.holdbacks },
        ]),
      ),
      /** What the catalog shows of each license (licensor, source work): a change is UPDATED for live episodes. */
      licenseShown: new Map(licenses.map((l) => [l.series_id, l.shown])),
      /** The subtitle languages each license allows: partners get only those tracks. */
      subtitleLanguages: new Map(licenses.map((l) => [l.series_id, l.subtitle_languages])),
      /** The dub languages each license allows: partners get only those audio tracks. */
      dubLanguages: new Map(licenses.map((l) => [l.series_id, l.dub_languages])),
      termsByEpisode,
      plans: plans.map((p) => ({ seriesId: p.series_id, partnerId: p.partner_id, plan: { mode: p.mode, startsAt: new Date(p.starts_at), episodesPerDay: p.episodes_per_day, episodeTimes: p.episode_times } })),
      existing,
      decided: new Map(decided.map((d) => [d.episode_id, d])),
      open: new Map(open.map((o) => [o.episode_id, o])),
      partners: new Map(partners.map((p) => [p.id, p])),
    };
  }

  /**
   * An approval (or a case still in review) is bound to the digest of the material reviewed; when
   * the material changed since, the review lapses and the episode goes back to review. Doing it here
   * rather than in each mutation means no writer can forget it. Returns the episodes that lapsed.
   */
  private async lapseChangedReviews(tx: EntityManager, data: Awaited<ReturnType<PublicationService['load']>>): Promise<Set<string>> {
    const staleCases = new Map<string, string[]>();
    const lapsedEpisodes = new Set<string>();
    for (const episode of data.episodes) {
      const snapshot = data.snapshots.get(episode.id);
      if (!snapshot) continue;
      const now = { materialDigest: digestOf(snapshot), mediaSha256: snapshot.mediaSha256 };
      const current = (review: { metadata_hash: string; media_sha256: string }) => reviewStillCurrent({ materialDigest: review.metadata_hash, mediaSha256: review.media_sha256 }, now);
      const open = data.open.get(episode.id);
      for (const review of [open, data.decided.get(episode.id)]) {
        if (!review || current(review) || ('invalidated_at' in review && review.invalidated_at)) continue;
        const changed = changedReviewedFields(review.metadata_snapshot, snapshot);
        // A case whose screened video is not the one in its snapshot lapses for the video too.
        if (review.media_sha256 !== snapshot.mediaSha256 && !changed.includes('mediaSha256')) changed.unshift('mediaSha256');
        const fields = changed.map((f) => REVIEWED_FIELD_NAMES[f]);
        const reason = `Reviewed material changed since the review${fields.length ? `: ${fields.join(', ')}` : ''}.`;
        const list = staleCases.get(reason);
        if (list) list.push(review.id);
        else staleCases.set(reason, [review.id]);
        // An episode already resubmitted with its current material stays in review.
        if (!open || !current(open)) lapsedEpisodes.add(episode.id);
      }
    }
    for (const [reason, caseIds] of staleCases) await invalidateCases(tx, caseIds, reason);
    await transitionEpisodesInSql(tx, [...lapsedEpisodes], 'reviewLapsed');
    return lapsedEpisodes;
  }

  /** The gate over every episode × partner × territory of the batch, and the difference to what partners see now. */
  private compute(data: Awaited<ReturnType<PublicationService['load']>>, lapsed: Set<string>, at: Date) {
    const states: StateRow[] = [];
    const deletions: Array<{ episodeId: string; partnerId: string }> = [];
    const events: EventDraft[] = [];
    const liveEpisodeIds = new Set<string>();
    const existingByEpisode = new Map<string, StateRow[]>();
    for (const row of data.existing) existingByEpisode.set(row.episode_id, [...(existingByEpisode.get(row.episode_id) ?? []), row]);
    const plansBySeries = new Map<string, typeof data.plans>();
    for (const p of data.plans) plansBySeries.set(p.seriesId, [...(plansBySeries.get(p.seriesId) ?? []), p]);
    const seen = new Set<string>();

    for (const episode of data.episodes) {
      const series = data.series.get(episode.series_id);
      const snapshot = data.snapshots.get(episode.id);
      if (!series || !snapshot) continue;
      seen.add(episode.id);
      const digest = digestOf(snapshot);
      // Everything a partner is shown of the episode: a change while live is an UPDATED event.
      const shownSubtitles = licensedTracks(snapshot.subtitles, data.subtitleLanguages.get(series.id) ?? []).map((t) => [t.language, t.kind ?? 'SUBTITLES']);
      // (Appended only when there is any, so keys computed before tracks were filtered stay equal.)
      const shownDubs = licensedTracks(snapshot.audio ?? [], data.dubLanguages.get(series.id) ?? []).map((t) => t.language);
      const contentKey = createHash('sha256').update(canonicalJson([digest, episode.number, series.cover_image_url, series.orientation, data.licenseShown.get(series.id) ?? null, ...(shownSubtitles.length || shownDubs.length ? [shownSubtitles] : []), ...(shownDubs.length ? [shownDubs] : [])])).digest('hex');
      const decided = data.decided.get(episode.id);
      const approval: GateInput['approval'] = decided
        ? { approvedTerritories: decided.approved, materialDigest: decided.metadata_hash, mediaSha256: decided.media_sha256, invalidatedAt: decided.invalidated_at ?? (lapsed.has(episode.id) ? at : null), decidedBy: decided.deciders }
        : null;
      const existing = existingByEpisode.get(episode.id) ?? [];
      const plans = plansBySeries.get(series.id) ?? [];
      const partnerIds = [...new Set([...plans.map((p) => p.partnerId), ...existing.map((r) => r.partner_id)])];
      for (const partnerId of partnerIds) {
        const partner = data.partners.get(partnerId);
        const plan = plans.find((p) => p.partnerId === partnerId);
        const before = existing.find((r) => r.partner_id === partnerId);
        const input: GateInput = {
          ...goLiveInputOf(data, episode, series, snapshot, digest),
          approval,
          partnerSuspended: partner?.suspended ?? true,
          partnerTerritories: partner?.territories ?? [],
          releaseAt: plan ? releaseTimeOf(plan.plan, episode.number) : null,
        };
        // In the partner's own order: events for one change come out in the order the partner listed its territories.
        const territories = [...new Set([...(partner?.territories ?? []), ...(before?.live_territories ?? [])])];
        const live: string[] = [];
        const prices = new Map<string, PriceGroup>();
        const dark = new Map<string, DarkGroup>();
        const reasonsOf = new Map<string, GateReason[]>();
        for (const territory of territories) {
          const gate = publishGate(input, territory, at);
          if (gate.live) {
            live.push(territory);
            const price: Price = { free: gate.price.free, coins: gate.price.coins, currency: gate.price.currency, amountMinor: gate.price.amountMinor, amount: gate.price.amount };
            const key = priceKey(price);
            const group = prices.get(key);
            if (group) group.territories.push(territory);
            else prices.set(key, { territories: [territory], price });
          } else {
            reasonsOf.set(territory, gate.reasons);
            const key = JSON.stringify(gate.reasons);
            const group = dark.get(key);
            if (group) group.territories.push(territory);
            else dark.set(key, { territories: [territory], reasons: gate.reasons });
          }
        }
        if (live.length) liveEpisodeIds.add(episode.id);
        const next: StateRow = {
          episode_id: episode.id,
          partner_id: partnerId,
          series_id: series.id,
          live_territories: live,
          prices: [...prices.values()],
          dark: [...dark.values()],
          content_key: contentKey,
          episode_version: episode.material_version,
          series_version: series.material_version,
          live_since: live.length ? (before?.live_territories.length ? before.live_since : at) : null,
          changed_at: at,
          evaluated_at: at,
        };
        this.diff(before, next, territories, reasonsOf, episode.number, at, events);
        const visibleChange = !before || canonicalJson(before.live_territories) !== canonicalJson(next.live_territories) || canonicalJson(before.prices) !== canonicalJson(next.prices) || before.content_key !== next.content_key || before.episode_version !== next.episode_version || before.series_version !== next.series_version;
        if (!visibleChange) next.changed_at = before.changed_at;
        if (!plan && !live.length) {
          if (before) deletions.push({ episodeId: episode.id, partnerId });
        } else if (visibleChange || canonicalJson(before?.dark) !== canonicalJson(next.dark)) {
          states.push(next);
        }
      }
    }
    // Rows of episodes (or series) that no longer exist: withdraw whatever was live, then forget them.
    for (const row of data.existing) {
      if (seen.has(row.episode_id)) continue;
      this.diff(row, null, [], new Map(), null, at, events);
      deletions.push({ episodeId: row.episode_id, partnerId: row.partner_id });
    }
    return { states, deletions, events, liveEpisodeIds };
  }

  /** Per territory: what a partner tailing `changes` must learn to get from `before` to `after`. */
  private diff(before: StateRow | undefined, after: StateRow | null, order: readonly string[], reasonsOf: Map<string, GateReason[]>, episodeNumber: number | null, at: Date, events: EventDraft[]): void {
    const row = (after ?? before)!;
    const priceOf = (state: StateRow | null | undefined, t: string) => state?.prices.find((g) => g.territories.includes(t))?.price ?? null;
    const wasLive = new Set(before?.live_territories ?? []);
    const isLive = new Set(after?.live_territories ?? []);
    const event = (type: CatalogEventType, territory: string, data: Record<string, unknown>) =>
      events.push({ partner_id: row.partner_id, type, territory, episode_id: row.episode_id, series_id: row.series_id, data: episodeNumber === null ? data : { episodeNumber, ...data }, occurred_at: at });
    for (const territory of new Set([...order, ...(before?.live_territories ?? [])])) {
      if (isLive.has(territory) && !wasLive.has(territory)) {
        event(CatalogEventType.PUBLISHED, territory, { price: priceOf(after, territory) });
      } else if (wasLive.has(territory) && !isLive.has(territory)) {
        const reasons = after ? (reasonsOf.get(territory) ?? []) : [EPISODE_DELETED];
        event(reasons.some((r) => r.code === 'NOT_LICENSED') ? CatalogEventType.EXPIRED : CatalogEventType.TAKEN_DOWN, territory, { reasons });
      } else if (wasLive.has(territory) && isLive.has(territory)) {
        const was = priceOf(before, territory);
        const is = priceOf(after, territory);
        if (priceKey(was) !== priceKey(is)) event(CatalogEventType.PRICE_CHANGED, territory, { before: was, after: is });
        if (before?.content_key !== after?.content_key) event(CatalogEventType.UPDATED, territory, {});
      }
    }
  }

  /**
   * Fail closed: a series whose data the gate cannot evaluate (a corrupt row written around the API)
   * is withdrawn from every partner, with the reason, until an evaluation succeeds again (tried
   * again a minute later, and at once on its next write).
   */
  private async withdrawUnevaluable(em: EntityManager, seriesId: string, at: Date): Promise<number> {
    return em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const txc = tx.getTransactionContext();
      await conn.execute(`select pg_advisory_xact_lock(hashtext('publication'), hashtext(?::text))`, [seriesId], 'all', txc);
      const rows = (await conn.execute(`select * from partner_episode_state where series_id = ? and cardinality(live_territories) > 0`, [seriesId], 'all', txc)) as StateRow[];
      const events: EventDraft[] = [];
      for (const before of rows) {
        const after: StateRow = { ...before, live_territories: [], prices: [], dark: [{ territories: before.live_territories, reasons: [EVALUATION_FAILED] }], changed_at: at, evaluated_at: at };
        this.diff(before, after, before.live_territories, new Map(before.live_territories.map((t) => [t, [EVALUATION_FAILED]])), null, at, events);
      }
      if (rows.length) {
        await conn.execute(
          `update partner_episode_state set live_territories = '{}', prices = '[]', dark = ?::jsonb, changed_at = ?, evaluated_at = ? where series_id = ? and cardinality(live_territories) > 0`,
          [JSON.stringify([{ territories: [...new Set(rows.flatMap((r) => r.live_territories))], reasons: [EVALUATION_FAILED] }]), at, at, seriesId],
          'run',
          txc,
        );
      }
      // Tried again in a minute, not on every write anywhere on the platform.
      await conn.execute(`delete from publication_mark where series_id = ?`, [seriesId], 'run', txc);
      await conn.execute(
        `insert into publication_schedule (series_id, due_at, evaluated_at) select id, ?, ? from series where id = ?
         on conflict (series_id) do update set due_at = excluded.due_at`,
        [new Date(at.getTime() + 60_000), at, seriesId],
        'run',
        txc,
      );
      await this.emit(tx, events);
      return events.length;
    });
  }

  /** APPROVED episodes live somewhere are published; published ones live nowhere are withdrawn (APPROVED again). */
  private async followEpisodeStatus(tx: EntityManager, data: Awaited<ReturnType<PublicationService['load']>>, lapsed: Set<string>, live: Set<string>): Promise<void> {
    const current = data.episodes.filter((e) => !lapsed.has(e.id));
    await transitionEpisodesInSql(tx, current.filter((e) => live.has(e.id)).map((e) => e.id), 'publish');
    await transitionEpisodesInSql(tx, current.filter((e) => !live.has(e.id)).map((e) => e.id), 'withdraw');
  }

  /** When each series' result can next flip by itself. */
  private async schedule(tx: EntityManager, data: Awaited<ReturnType<PublicationService['load']>>, at: Date): Promise<void> {
    const episodesBySeries = new Map<string, typeof data.episodes>();
    for (const e of data.episodes) {
      const list = episodesBySeries.get(e.series_id);
      if (list) list.push(e);
      else episodesBySeries.set(e.series_id, [e]);
    }
    const rows = [...data.series.keys()].map((seriesId) => {
      const episodes = episodesBySeries.get(seriesId) ?? [];
      const plans = data.plans.filter((p) => p.seriesId === seriesId);
      const due = nextGateBoundary(
        {
          license: data.licenses.get(seriesId) ?? null,
          terms: episodes.flatMap((e) => data.termsByEpisode.get(e.id) ?? []),
          releaseTimes: plans.flatMap((p) => episodes.map((e) => releaseTimeOf(p.plan, e.number))),
        },
        at,
      );
      return { series_id: seriesId, due_at: due, evaluated_at: at };
    });
    if (!rows.length) return;
    await tx.getConnection().execute(
      `insert into publication_schedule (series_id, due_at, evaluated_at)
       select series_id, due_at, evaluated_at from jsonb_to_recordset(?::jsonb) as r(series_id uuid, due_at timestamptz, evaluated_at timestamptz)
       on conflict (series_id) do update set due_at = excluded.due_at, evaluated_at = excluded.evaluated_at`,
      [JSON.stringify(rows)],
      'run',
      tx.getTransactionContext(),
    );
  }

  /** Appends the events to the feed and queues one webhook delivery per event and enabled endpoint, in this transaction. */
  private async emit(tx: EntityManager, drafts: EventDraft[]): Promise<void> {
    if (!drafts.length) return;
    const conn = tx.getConnection();
    const txc = tx.getTransactionContext();
    const events = (await conn.execute(
      `insert into catalog_event (partner_id, type, territory, episode_id, series_id, data, occurred_at)
       select partner_id, type, territory, episode_id, series_id, data, occurred_at
       from jsonb_to_recordset(?::jsonb) as r(seq int, partner_id uuid, type catalog_event_type, territory text, episode_id uuid, series_id uuid, data jsonb, occurred_at timestamptz)
       order by seq
       returning id::text, partner_id, type, territory, episode_id, series_id, data, occurred_at`,
      [JSON.stringify(drafts.map((d, seq) => ({ seq, ...d })))],
      'all',
      txc,
    )) as Array<{ id: string; partner_id: string; type: string; territory: string; episode_id: string; series_id: string; data: Record<string, unknown>; occurred_at: Date }>;
    const endpoints = (await conn.execute(`select id, partner_id from webhook_endpoint where enabled and partner_id = any(?::uuid[])`, [uuids([...new Set(events.map((e) => e.partner_id))])], 'all', txc)) as Array<{ id: string; partner_id: string }>;
    if (!endpoints.length) return;
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter((e) => e.partner_id === event.partner_id)
        .map((endpoint) => {
          const type = `episode.${event.type.toLowerCase()}`;
          const occurredAt = new Date(event.occurred_at).toISOString();
          return {
            id: `msg_${event.id}_${endpoint.id.slice(0, 8)}`,
            endpoint_id: endpoint.id,
            event_type: type,
            payload: { type, timestamp: occurredAt, data: { eventId: event.id, territory: event.territory, episodeId: event.episode_id, seriesId: event.series_id, ...event.data } },
          };
        }),
    );
    await conn.execute(
      `insert into webhook_delivery (id, endpoint_id, event_type, payload, status, attempts, created_at)
       select id, endpoint_id, event_type, payload, 'PENDING', '[]'::jsonb, now() from jsonb_to_recordset(?::jsonb) as r(id text, endpoint_id uuid, event_type text, payload jsonb)`,
      [JSON.stringify(deliveries)],
      'run',
      txc,
    );
    const boss = this.queue();
    if (!boss) throw new Error('the job queue is not running in this process');
    // One statement for every job (the queue's retry settings apply), while the feed lock is held.
    await boss.insert(deliveries.map((d) => ({ name: WEBHOOK_QUEUE, data: { deliveryId: d.id } })), { db: inTransaction(tx) });
  }
}
