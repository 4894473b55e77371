import { describe, expect, it } from 'vitest';
import { formatMinorUnits, currencyExponent, isCurrencyCode } from './money';
import { resolvePrice, windowsOverlap, type PriceTermLike } from './pricing';

const at = new Date('2026-06-15T12:00:00Z');
const series = { freeEpisodeCount: 5, defaultCoinPrice: 60 };
let seq = 0;
const term = (t: Partial<PriceTermLike>): PriceTermLike => ({ id: `t${++seq}`, territory: 'WORLDWIDE', free: false, ...t });

describe('resolvePrice', () => {
  it('free first N, then the series default, then nothing', () => {
    expect(resolvePrice({ number: 5, terms: [] }, series, 'US', at)).toMatchObject({ free: true, rule: 'FREE_EPISODES' });
    expect(resolvePrice({ number: 6, terms: [] }, series, 'US', at)).toMatchObject({ free: false, coins: 60, rule: 'SERIES_DEFAULT' });
    expect(resolvePrice({ number: 6, terms: [] }, { freeEpisodeCount: 5 }, 'US', at)).toMatchObject({ priced: false, rule: 'NONE' });
  });

  it('the specific territory wins over WORLDWIDE', () => {
    const terms = [term({ coins: 60 }), term({ territory: 'US', currency: 'USD', amountMinor: 49 })];
    expect(resolvePrice({ number: 8, terms }, series, 'US', at)).toMatchObject({ rule: 'TERRITORY', currency: 'USD', amountMinor: 49, amount: '0.49', coins: null });
    expect(resolvePrice({ number: 8, terms }, series, 'CA', at)).toMatchObject({ rule: 'WORLDWIDE', coins: 60 });
  });

  it('an active window wins over none in the same territory; an inactive one is ignored', () => {
    const window = term({ territory: 'US', coins: 30, startsAt: new Date('2026-06-01'), endsAt: new Date('2026-07-01') });
    const plain = term({ territory: 'US', coins: 80 });
    expect(resolvePrice({ number: 8, terms: [plain, window] }, series, 'US', at)).toMatchObject({ rule: 'TERRITORY_WINDOW', coins: 30 });
    expect(resolvePrice({ number: 8, terms: [plain, window] }, series, 'US', new Date('2026-07-01T00:00:00Z'))).toMatchObject({ rule: 'TERRITORY', coins: 80 });
    expect(resolvePrice({ number: 8, terms: [plain, window] }, series, 'US', new Date('2026-05-31T23:59:59Z'))).toMatchObject({ rule: 'TERRITORY', coins: 80 });
  });

  it('territory beats window: a plain US price beats a windowed WORLDWIDE one', () => {
    const terms = [term({ coins: 10, startsAt: new Date('2026-01-01') }), term({ territory: 'US', coins: 90 })];
    expect(resolvePrice({ number: 8, terms }, series, 'US', at)).toMatchObject({ rule: 'TERRITORY', coins: 90 });
    expect(resolvePrice({ number: 8, terms }, series, 'FR', at)).toMatchObject({ rule: 'WORLDWIDE_WINDOW', coins: 10 });
  });

  it('an episode override beats the free-episode rule, both ways', () => {
    expect(resolvePrice({ number: 2, terms: [term({ territory: 'JP', coins: 20 })] }, series, 'JP', at)).toMatchObject({ free: false, coins: 20, rule: 'TERRITORY' });
    expect(resolvePrice({ number: 40, terms: [term({ free: true })] }, series, 'JP', at)).toMatchObject({ free: true, rule: 'WORLDWIDE' });
  });

  it('explains itself', () => {
    const r = resolvePrice({ number: 12, terms: [term({ territory: 'US', coins: 60, currency: 'USD', amountMinor: 49 })] }, series, 'US', at);
    expect(r.explanation).toBe('Episode 12: US price (60 coins or 0.49 USD).');
  });
});

describe('money', () => {
  it('respects each currency exponent', () => {
    expect([currencyExponent('JPY'), currencyExponent('USD'), currencyExponent('KWD')]).toEqual([0, 2, 3]);
    expect(formatMinorUnits('JPY', 500)).toBe('500');
    expect(formatMinorUnits('USD', 49)).toBe('0.49');
    expect(formatMinorUnits('KWD', 1250)).toBe('1.250');
    expect(formatMinorUnits('KWD', 5)).toBe('0.005');
  });

  it('knows ISO 4217 codes and refuses non-money codes', () => {
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('XAU')).toBe(false);
    expect(isCurrencyCode('ABC')).toBe(false);
  });
});

describe('windowsOverlap', () => {
  const d = (s: string) => new Date(s);
  it('treats windows as half-open and open ends as unbounded', () => {
    expect(windowsOverlap({ startsAt: d('2026-01-01'), endsAt: d('2026-02-01') }, { startsAt: d('2026-02-01'), endsAt: d('2026-03-01') })).toBe(false);
    expect(windowsOverlap({ startsAt: d('2026-01-01'), endsAt: d('2026-02-02') }, { startsAt: d('2026-02-01') })).toBe(true);
    expect(windowsOverlap({}, { endsAt: d('2020-01-01') })).toBe(true);
  });
});
