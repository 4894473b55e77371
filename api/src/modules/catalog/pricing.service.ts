import { z } from 'zod';
import { BadUserInputError, type FieldError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { inputProblems, parseInput, withRulesAcrossFields } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { membershipIn, requireUser } from '../../domain/access';
import { isId } from '../common/ids';
import { findEpisode, findSeries, readsAllCatalogs } from './catalog-access';
import { currencySchema, episodeNumberSchema, rangeEndsAfterStart, territoryOrWorldwideSchema } from './catalog-validation';
import { Episode } from './episode.entity';
import { currencyCodes, currencyExponent } from './money';
import { EpisodePriceTerm } from './price-term.entity';
import { resolvePrice, windowsOverlap, type ResolvedPrice } from './pricing';
import type { Series } from './series.entity';

/** The largest price in a currency's minor units (10,000,000.00 USD); clients read it as `Currency.maxAmountMinor`. */
export const MAX_AMOUNT_MINOR = 1_000_000_000;

const priceRangeSchema = withRulesAcrossFields(
  'SetEpisodePricesInput',
  z.object({
    fromNumber: episodeNumberSchema,
    toNumber: episodeNumberSchema,
    territory: territoryOrWorldwideSchema,
    free: z.boolean().default(false),
    coins: z.number().int('Coins are whole numbers.').min(0, 'Coins cannot be negative.').max(1_000_000).nullish(),
    currency: currencySchema.nullish(),
    amountMinor: z
      .number()
      .int('Money is given in whole minor units (e.g. 49 for 0.49 USD).')
      .min(0, 'Amounts cannot be negative.')
      .max(MAX_AMOUNT_MINOR, `Amounts go up to ${MAX_AMOUNT_MINOR.toLocaleString('en-US')} minor units (e.g. ${(MAX_AMOUNT_MINOR / 100).toLocaleString('en-US')}.00 USD).`)
      .nullish(),
    startsAt: z.date().nullish(),
    endsAt: z.date().nullish(),
  }),
  [
    rangeEndsAfterStart,
    { field: 'endsAt', reads: ['startsAt'], holds: (v) => !v.startsAt || !v.endsAt || v.endsAt.getTime() > v.startsAt.getTime(), message: 'The window must end after it starts.' },
    { field: 'amountMinor', reads: ['currency'], holds: (v) => (v.currency == null) === (v.amountMinor == null), message: 'Give both a currency and an amount, or neither.' },
    { field: 'coins', reads: ['free', 'amountMinor'], holds: (v) => v.free || v.coins != null || v.amountMinor != null, message: 'Give coins, money, or mark the episodes free.' },
    { field: 'free', reads: ['coins', 'amountMinor'], holds: (v) => !v.free || (v.coins == null && v.amountMinor == null), message: 'A free price has no coins or money.' },
  ],
);

const clearRangeSchema = withRulesAcrossFields(
  'ClearEpisodePricesInput',
  z.object({ fromNumber: episodeNumberSchema, toNumber: episodeNumberSchema, territory: territoryOrWorldwideSchema }),
  [rangeEndsAfterStart],
);

export type PriceRangeInput = z.input<typeof priceRangeSchema>;

export interface EpisodePrice {
  episode: Episode;
  price: ResolvedPrice;
}

export class PricingService {
  constructor(
    private readonly audit: AuditService,
  ) {}

  /**
   * Every field of `input` that `setRangePrice` would refuse by the input's own rules (its fields and
   * its rules across fields), at once; [] when none. The series and its episodes are checked by the write.
   */
  rangePriceProblems(input: PriceRangeInput): FieldError[] {
    return inputProblems(priceRangeSchema, input);
  }

  /**
   * Bulk edit: sets the price of episodes fromNumber..toNumber in one territory. A price without a
   * window replaces the episodes' earlier unwindowed price there; a windowed one must not overlap
   * another window for the same episode and territory. All or nothing.
   */
  async setRangePrice(ctx: RequestContext, seriesId: string, input: PriceRangeInput): Promise<EpisodePrice[]> {
    const data = parseInput(priceRangeSchema, input);
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    const windowed = Boolean(data.startsAt || data.endsAt);
    return em.transactional(async (tx) => {
      await tx.getConnection().execute('select id from series where id = ? for update', [series.id], 'all', tx.getTransactionContext());
      const episodes = await tx.find(Episode, { series, number: { $gte: data.fromNumber, $lte: data.toNumber } }, { orderBy: { number: 'asc' } });
      if (!episodes.length) throw new BadUserInputError('input.fromNumber', `The series has no episodes ${data.fromNumber}–${data.toNumber}.`);
      const existing = await tx.find(EpisodePriceTerm, { episode: { $in: episodes }, territory: data.territory });
      const replaced: EpisodePriceTerm[] = [];
      const clashes: number[] = [];
      for (const term of existing) {
        const termWindowed = Boolean(term.startsAt || term.endsAt);
        if (!windowed && !termWindowed) replaced.push(term);
        else if (windowed && termWindowed && windowsOverlap(term, data)) clashes.push(episodes.find((e) => e.id === term.episode.id)!.number);
      }
      if (clashes.length) {
        clashes.sort((a, b) => a - b);
        const which = clashes.length === 1 ? `episode ${clashes[0]}` : `episodes ${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? ` and ${clashes.length - 5} more` : ''}`;
        throw new BadUserInputError('input.startsAt', `The window overlaps an existing ${data.territory} window for ${which}.`);
      }
      tx.remove(replaced);
      for (const episode of episodes) {
        tx.create(EpisodePriceTerm, {
          episode,
          territory: data.territory,
          free: data.free,
          coins: data.free ? null : (data.coins ?? null),
          currency: data.free ? null : (data.currency ?? null),
          amountMinor: data.free ? null : (data.amountMinor ?? null),
          startsAt: data.startsAt ?? null,
          endsAt: data.endsAt ?? null,
          createdAt: new Date(),
        });
      }
      this.audit.record(ctx, tx, {
        action: 'pricing.set_range',
        organizationId: series.studio.id,
        subjectType: 'Series',
        subjectId: series.id,
        summary: {
          episodes: `${data.fromNumber}-${data.toNumber}`,
          territory: data.territory,
          before: { replacedTerms: replaced.map((t) => ({ episodeId: t.episode.id, free: t.free, coins: t.coins, currency: t.currency, amountMinor: t.amountMinor })) },
          after: { free: data.free, coins: data.coins ?? null, currency: data.currency ?? null, amountMinor: data.amountMinor ?? null, startsAt: data.startsAt ?? null, endsAt: data.endsAt ?? null },
        },
      });
      await tx.flush();
      return this.pricesFor(tx, series, episodes, data.territory === 'WORLDWIDE' ? 'WORLDWIDE' : data.territory, new Date());
    }).then(async (prices) => {
      return prices;
    });
  }

  /** Removes the price terms of a range in one territory, so series rules apply again. */
  async clearRangePrice(ctx: RequestContext, seriesId: string, input: { fromNumber: number; toNumber: number; territory: string }): Promise<number> {
    const data = parseInput(
      clearRangeSchema,
      input,
    );
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    const episodes = await em.find(Episode, { series, number: { $gte: data.fromNumber, $lte: data.toNumber } });
    const removed = await em.nativeDelete(EpisodePriceTerm, { episode: { $in: episodes.map((e) => e.id) }, territory: data.territory });
    if (removed) {
      this.audit.record(ctx, em, { action: 'pricing.clear_range', organizationId: series.studio.id, subjectType: 'Series', subjectId: series.id, summary: { episodes: `${data.fromNumber}-${data.toNumber}`, territory: data.territory, removedTerms: removed } });
      await em.flush();
    }
    return removed;
  }

  /** `effectivePrice(episode, territory, at)`: the price and the rule that produced it. */
  async effectivePrice(ctx: RequestContext, episodeId: string, territory: string, at?: Date | null): Promise<ResolvedPrice> {
    const place = parseInput(territoryOrWorldwideSchema, territory, 'territory');
    const episode = await findEpisode(ctx, episodeId, 'read');
    const terms = await ctx.em.find(EpisodePriceTerm, { episode });
    return resolvePrice({ number: episode.number, terms }, episode.series, place, at ?? new Date());
  }

  /** effectivePrice for many episodes at once (list pages): one query for episodes, one for terms. */
  async effectivePrices(ctx: RequestContext, episodeIds: readonly string[], territory: string, at?: Date | null): Promise<Map<string, ResolvedPrice>> {
    const place = parseInput(territoryOrWorldwideSchema, territory, 'territory');
    requireUser(ctx);
    const episodes = await ctx.em.find(Episode, { id: { $in: episodeIds.filter(isId) } }, { populate: ['series'] });
    const visible = episodes.filter((e) => membershipIn(ctx, e.series.studio.id) || readsAllCatalogs(ctx));
    const result = new Map<string, ResolvedPrice>();
    const bySeries = new Map<string, Episode[]>();
    for (const e of visible) bySeries.set(e.series.id, [...(bySeries.get(e.series.id) ?? []), e]);
    for (const group of bySeries.values()) {
      for (const { episode, price } of await this.pricesFor(ctx.em, group[0]!.series, group, place, at ?? new Date())) result.set(episode.id, price);
    }
    return result;
  }

  /** What a territory pays for each episode of a series (the pricing preview). */
  async preview(ctx: RequestContext, seriesId: string, territory: string, at?: Date | null): Promise<EpisodePrice[]> {
    const place = parseInput(territoryOrWorldwideSchema, territory, 'territory');
    const series = await findSeries(ctx, seriesId, 'read');
    const episodes = await ctx.em.find(Episode, { series }, { orderBy: { number: 'asc' } });
    return this.pricesFor(ctx.em, series, episodes, place, at ?? new Date());
  }

  /** Prices for many episodes with one query for their terms. */
  async pricesFor(em: RequestContext['em'], series: Series, episodes: Episode[], territory: string, at: Date): Promise<EpisodePrice[]> {
    const terms = episodes.length ? await em.find(EpisodePriceTerm, { episode: { $in: episodes.map((e) => e.id) }, territory: { $in: [territory, 'WORLDWIDE'] } }) : [];
    const byEpisode = new Map<string, EpisodePriceTerm[]>();
    for (const term of terms) byEpisode.set(term.episode.id, [...(byEpisode.get(term.episode.id) ?? []), term]);
    return episodes.map((episode) => ({ episode, price: resolvePrice({ number: episode.number, terms: byEpisode.get(episode.id) ?? [] }, series, territory, at) }));
  }

  /** All terms of a series, for editors and exports. */
  async termsOf(ctx: RequestContext, seriesId: string): Promise<EpisodePriceTerm[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    return ctx.em.find(EpisodePriceTerm, { episode: { series } }, { populate: ['episode'], orderBy: { episode: { number: 'asc' }, territory: 'asc' } });
  }

  /** Every currency code with its ISO 4217 exponent, so clients can enter and show money. */
  currencies(): Array<{ code: string; exponent: number; maxAmountMinor: number }> {
    return currencyCodes().map((code) => ({ code, exponent: currencyExponent(code), maxAmountMinor: MAX_AMOUNT_MINOR }));
  }
}
