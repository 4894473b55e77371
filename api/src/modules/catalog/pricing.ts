import { formatMinorUnits } from './money';
import { WORLDWIDE } from './territories';

export type PriceRule = 'TERRITORY_WINDOW' | 'TERRITORY' | 'WORLDWIDE_WINDOW' | 'WORLDWIDE' | 'FREE_EPISODES' | 'SERIES_DEFAULT' | 'NONE';

export interface PriceTermLike {
  id: string;
  territory: string;
  free: boolean;
  coins?: number | null;
  currency?: string | null;
  amountMinor?: number | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

export interface ResolvedPrice {
  territory: string;
  /** False when nothing prices the episode: it cannot be sold there. */
  priced: boolean;
  free: boolean;
  coins: number | null;
  currency: string | null;
  amountMinor: number | null;
  /** Money as a decimal string in the currency's own precision, e.g. "0.49". */
  amount: string | null;
  rule: PriceRule;
  /** Why this price: which rule applied, in words. */
  explanation: string;
  termId: string | null;
}

const activeAt = (term: PriceTermLike, at: Date): boolean =>
  (!term.startsAt || term.startsAt.getTime() <= at.getTime()) && (!term.endsAt || at.getTime() < term.endsAt.getTime());

const windowText = (term: PriceTermLike): string =>
  `${term.startsAt ? term.startsAt.toISOString().slice(0, 10) : '…'} to ${term.endsAt ? term.endsAt.toISOString().slice(0, 10) : '…'}`;

function describe(term: PriceTermLike): string {
  if (term.free) return 'free';
  const parts = [];
  if (term.coins != null) parts.push(`${term.coins} coins`);
  if (term.currency && term.amountMinor != null) parts.push(`${formatMinorUnits(term.currency, term.amountMinor)} ${term.currency}`);
  return parts.join(' or ');
}

/**
 * The price of one episode in one territory at one moment, and why. Episode terms override the
 * series rules; among terms the specific territory beats WORLDWIDE, then an active window beats
 * none. Without a term, the first N episodes are free, then the series' default coin price applies.
 */
export function resolvePrice(
  episode: { number: number; terms: readonly PriceTermLike[] },
  series: { freeEpisodeCount: number; defaultCoinPrice?: number | null },
  territory: string,
  at: Date,
): ResolvedPrice {
  const candidates = episode.terms.filter((t) => (t.territory === territory || t.territory === WORLDWIDE) && activeAt(t, at));
  const rank = (t: PriceTermLike) => (t.territory === territory && territory !== WORLDWIDE ? 2 : 0) + (t.startsAt || t.endsAt ? 1 : 0);
  const best = candidates.sort((a, b) => rank(b) - rank(a))[0];
  // Plain object literals, not spreads: this runs for every episode × partner × territory of a catalog.
  const unpriced = (priced: boolean, free: boolean, coins: number | null, rule: PriceRule, explanation: string): ResolvedPrice => ({
    territory,
    priced,
    free,
    coins,
    currency: null,
    amountMinor: null,
    amount: null,
    rule,
    explanation,
    termId: null,
  });
  if (best) {
    const specific = best.territory === territory && territory !== WORLDWIDE;
    const windowed = Boolean(best.startsAt || best.endsAt);
    const rule: PriceRule = specific ? (windowed ? 'TERRITORY_WINDOW' : 'TERRITORY') : windowed ? 'WORLDWIDE_WINDOW' : 'WORLDWIDE';
    const where = specific ? `${territory} price` : 'worldwide price';
    return {
      territory,
      priced: true,
      free: best.free,
      coins: best.free ? null : (best.coins ?? null),
      currency: best.free ? null : (best.currency ?? null),
      amountMinor: best.free ? null : (best.amountMinor ?? null),
      amount: !best.free && best.currency && best.amountMinor != null ? formatMinorUnits(best.currency, best.amountMinor) : null,
      rule,
      termId: best.id,
      explanation: `Episode ${episode.number}: ${where}${windowed ? ` for ${windowText(best)}` : ''} (${describe(best)}).`,
    };
  }
  if (episode.number <= series.freeEpisodeCount) {
    return unpriced(true, true, null, 'FREE_EPISODES', `Episodes 1–${series.freeEpisodeCount} are free.`);
  }
  if (series.defaultCoinPrice != null) {
    return unpriced(true, false, series.defaultCoinPrice, 'SERIES_DEFAULT', `Series default price (${series.defaultCoinPrice} coins).`);
  }
  return unpriced(false, false, null, 'NONE', `No price applies to episode ${episode.number} in ${territory}.`);
}

/** Two optional windows [start, end) overlap unless one ends before the other starts. */
export function windowsOverlap(a: { startsAt?: Date | null; endsAt?: Date | null }, b: { startsAt?: Date | null; endsAt?: Date | null }): boolean {
  const aStart = a.startsAt?.getTime() ?? -Infinity;
  const aEnd = a.endsAt?.getTime() ?? Infinity;
  const bStart = b.startsAt?.getTime() ?? -Infinity;
  const bEnd = b.endsAt?.getTime() ?? Infinity;
  return aStart < bEnd && bStart < aEnd;
}
