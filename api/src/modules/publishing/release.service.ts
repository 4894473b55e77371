import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, type FieldError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, refusedInput, refuseRepeats, withRulesAcrossFields } from '../../domain/validation';
import { episodeNumberSchema } from '../catalog/catalog-validation';
import type { AuditService } from '../audit/audit.service';
import { membershipIn, requireUser } from '../../domain/access';
import { findSeries, readsAllCatalogs } from '../catalog/catalog-access';
import { Episode } from '../catalog/episode.entity';
import { isId } from '../common/ids';
import { Organization, OrganizationKind } from '../organization/organization.entity';
import { PartnerEpisodeState } from './partner-episode-state.entity';
import { PartnerProfile } from './partner-profile.entity';
import { ReleaseMode, ReleasePlan, releaseTimeOf } from './release-plan.entity';

const planSchema = withRulesAcrossFields(
  'ReleasePlanInput',
  z.object({
    mode: z.enum(ReleaseMode),
    startsAt: z.date({ message: 'startsAt must be a date-time.' }),
    episodesPerDay: z.number().int().min(1, 'At least one episode a day.').max(1000).nullish(),
    // A list as the API takes it, so a problem is named by its position (`input.episodeTimes.1.number`).
    episodeTimes: z
      .array(z.object({ number: episodeNumberSchema, at: z.date({ message: 'Use ISO date-times.' }) }))
      .superRefine(refuseRepeats<{ number: number }>('The schedule', (t) => t.number, ['number']))
      .nullish(),
  }),
  [
    { field: 'episodesPerDay', reads: ['mode'], holds: (p) => p.mode !== ReleaseMode.DROPS || Boolean(p.episodesPerDay), message: 'Releasing in drops (mode DROPS) needs the number of episodes a day.' },
    { field: 'episodeTimes', reads: ['mode'], holds: (p) => p.mode !== ReleaseMode.SCHEDULED || (p.episodeTimes ?? []).length > 0, message: 'A schedule (mode SCHEDULED) needs at least one episode time.' },
  ],
);

/** How far ahead a release plan may be set: further is a typo, not a plan. */
export const RELEASE_HORIZON_YEARS = 10;

/**
 * The times a release plan saved at `now` may hold: nothing after `latest` (RELEASE_HORIZON_YEARS
 * ahead), and daily drops starting no earlier than `earliestDropsStart` (as many years back).
 */
export function releaseHorizon(now: Date): { latest: Date; earliestDropsStart: Date } {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + RELEASE_HORIZON_YEARS);
  const earliestDropsStart = new Date(now);
  earliestDropsStart.setUTCFullYear(earliestDropsStart.getUTCFullYear() - RELEASE_HORIZON_YEARS);
  return { latest, earliestDropsStart };
}

type PlanTimes = { mode: ReleaseMode; startsAt: Date; episodeTimes?: Array<{ number: number; at: Date }> | null };

/**
 * A release plan's times as saved, at `now` (the moment of saving): none more than
 * RELEASE_HORIZON_YEARS ahead, and a time that has passed is now, so what is saved reads the way
 * the studio was told ("Goes live now"). Daily drops count from their start, so a past start of
 * drops is kept (the drops due since then go live at once), within the same years back.
 */
export function releasePlanTimes<T extends PlanTimes>(plan: T, now: Date): T {
  const { latest, earliestDropsStart: earliest } = releaseHorizon(now);
  // The date alone is ambiguous on that very day: the minute is named too, in UTC.
  const day = (d: Date) => `${d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' })} UTC`;
  const refused: FieldError[] = [];
  const ahead = (field: string, what: string, at: Date) => {
    if (at.getTime() > latest.getTime()) refused.push({ field, message: `${what} is more than ${RELEASE_HORIZON_YEARS} years ahead: the latest is ${day(latest)}.` });
  };
  ahead('input.startsAt', 'The start', plan.startsAt);
  plan.episodeTimes?.forEach((t, i) => ahead(`input.episodeTimes.${i}.at`, `Episode ${t.number}’s release time`, t.at));
  const keepsPastStart = plan.mode === ReleaseMode.DROPS;
  if (keepsPastStart && plan.startsAt.getTime() < earliest.getTime()) {
    refused.push({ field: 'input.startsAt', message: `Daily drops count from their start, which can be at most ${RELEASE_HORIZON_YEARS} years back: the earliest is ${day(earliest)}.` });
  }
  if (refused.length) throw refusedInput(refused);
  const notPast = (at: Date) => (at.getTime() < now.getTime() ? now : at);
  return {
    ...plan,
    startsAt: keepsPastStart ? plan.startsAt : notPast(plan.startsAt),
    episodeTimes: plan.episodeTimes?.map((t) => ({ ...t, at: notPast(t.at) })),
  };
}

export interface DistributionRow {
  partner: Organization;
  plan: ReleasePlan | null;
  episodes: Array<{ episode: Episode; territory: string; live: boolean; releaseAt: Date | null; reasons: Array<{ code: string; message: string }> }>;
}

/** The studio's release plans per partner, and what is live where and why not. */
export class ReleaseService {
  constructor(
    private readonly audit: AuditService,
    /** The publish gate's clock: "now" for a plan is the gate's now. */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The release-plan times `setPlan` accepts now (`releaseHorizon` at the gate's clock), for forms to check before sending. */
  horizon(): { horizonYears: number; latestStartsAt: Date; earliestDropsStartsAt: Date } {
    const { latest, earliestDropsStart } = releaseHorizon(this.clock());
    return { horizonYears: RELEASE_HORIZON_YEARS, latestStartsAt: latest, earliestDropsStartsAt: earliestDropsStart };
  }

  async setPlan(ctx: RequestContext, seriesId: string, partnerId: string, input: z.input<typeof planSchema>): Promise<ReleasePlan> {
    const data = releasePlanTimes(parseInput(planSchema, input), this.clock());
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    const partner = isId(partnerId) ? await em.findOne(Organization, partnerId) : null;
    if (!partner || partner.kind !== OrganizationKind.PARTNER) throw new NotFoundError('Partner');
    const existing = await em.findOne(ReleasePlan, { series, partner });
    const plan = existing ?? em.create(ReleasePlan, { series, partner, mode: data.mode, startsAt: data.startsAt, updatedAt: new Date() });
    const episodeTimes = Object.fromEntries((data.episodeTimes ?? []).map((t) => [String(t.number), t.at.toISOString()]));
    em.assign(plan, { mode: data.mode, startsAt: data.startsAt, episodesPerDay: data.episodesPerDay ?? null, episodeTimes });
    this.audit.record(ctx, em, { action: existing ? 'release.update' : 'release.create', organizationId: series.studio.id, subjectType: 'Series', subjectId: series.id, summary: { partner: partner.name, mode: data.mode, startsAt: data.startsAt } });
    await em.flush();
    return plan;
  }

  async removePlan(ctx: RequestContext, seriesId: string, partnerId: string): Promise<boolean> {
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    const plan = isId(partnerId) ? await em.findOne(ReleasePlan, { series, partner: partnerId }, { populate: ['partner'] }) : null;
    if (!plan) throw new NotFoundError('Release plan');
    this.audit.record(ctx, em, { action: 'release.remove', organizationId: series.studio.id, subjectType: 'Series', subjectId: series.id, summary: { partner: plan.partner.name } });
    em.remove(plan);
    await em.flush();
    return true;
  }

  /**
   * Per episode, the territories (ISO 3166-1 alpha-2, sorted) where it is live for at least one
   * partner, as the publish gate last decided. Episodes the caller may not read are left out.
   */
  async liveTerritoriesOf(ctx: RequestContext, episodeIds: readonly string[]): Promise<Map<string, string[]>> {
    requireUser(ctx);
    const episodes = await ctx.em.find(Episode, { id: { $in: episodeIds.filter(isId) } }, { populate: ['series'] });
    const visible = episodes.filter((e) => membershipIn(ctx, e.series.studio.id) || readsAllCatalogs(ctx)).map((e) => e.id);
    return this.liveTerritoriesIn(ctx.em, visible);
  }

  /**
   * `liveTerritoriesOf` without asking who reads: for the system's own work on episodes it was
   * already allowed to touch (processing an upload). Every id gets an entry.
   */
  async liveTerritoriesIn(em: EntityManager, episodeIds: readonly string[]): Promise<Map<string, string[]>> {
    const ids = episodeIds.filter(isId);
    const states = ids.length ? await em.find(PartnerEpisodeState, { episodeId: { $in: ids } }) : [];
    const live = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
    for (const state of states) for (const territory of state.liveTerritories) live.get(state.episodeId)?.add(territory);
    return new Map([...live].map(([id, territories]) => [id, [...territories].sort()]));
  }

  /** Per partner released to (or live with): every episode and territory, live or not and why. */
  async distribution(ctx: RequestContext, seriesId: string): Promise<DistributionRow[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    const plans = await ctx.em.find(ReleasePlan, { series }, { populate: ['partner'] });
    const states = await ctx.em.find(PartnerEpisodeState, { seriesId: series.id });
    const partnerIds = [...new Set([...plans.map((p) => p.partner.id), ...states.map((s) => s.partnerId)])];
    const partners = await ctx.em.find(Organization, { id: { $in: partnerIds } }, { orderBy: { name: 'asc' } });
    const profiles = new Map((await ctx.em.find(PartnerProfile, { organization: { $in: partnerIds } })).map((p) => [p.organization.id, p]));
    const episodes = await ctx.em.find(Episode, { series }, { orderBy: { number: 'asc' } });
    return partners.map((partner) => {
      const plan = plans.find((p) => p.partner.id === partner.id) ?? null;
      const territories = profiles.get(partner.id)?.territories ?? [];
      return {
        partner,
        plan,
        episodes: episodes.flatMap((episode) =>
          territories.map((territory) => {
            const state = states.find((s) => s.episodeId === episode.id && s.partnerId === partner.id);
            const live = state?.liveTerritories.includes(territory) ?? false;
            const reasons = live ? [] : (state?.dark.find((g) => g.territories.includes(territory))?.reasons ?? [{ code: 'NOT_EVALUATED', message: 'Not evaluated yet.' }]);
            return { episode, territory, live, releaseAt: plan ? releaseTimeOf(plan, episode.number) : null, reasons };
          }),
        ),
      };
    });
  }
}
