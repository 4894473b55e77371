import { describe, expect, it } from 'vitest';
import { availability, type LicenseLike } from './availability';

const license = (l: Partial<LicenseLike> = {}): LicenseLike => ({
  territoriesIncluded: ['US', 'CA'],
  territoriesExcluded: [],
  windowStart: new Date('2026-01-01T00:00:00Z'),
  windowEnd: new Date('2027-01-01T00:00:00Z'),
  holdbacks: [],
  ...l,
});
const mid = new Date('2026-06-01T00:00:00Z');
const codes = (r: ReturnType<typeof availability>) => r.reasons.map((x) => x.code);

describe('availability', () => {
  it('included territory inside the window is available', () => {
    expect(availability(license(), 'US', mid)).toEqual({ available: true, reasons: [] });
  });

  it('names every reason at once', () => {
    const r = availability(license({ holdbacks: [{ territory: 'FR', until: '2030-01-01T00:00:00.000Z' }] }), 'FR', new Date('2027-06-01T00:00:00Z'));
    expect(r.available).toBe(false);
    expect(codes(r)).toEqual(['TERRITORY_NOT_INCLUDED', 'WINDOW_ENDED', 'HOLDBACK']);
  });

  it('window edges: start is inclusive, end exclusive', () => {
    expect(availability(license(), 'US', new Date('2026-01-01T00:00:00Z')).available).toBe(true);
    expect(codes(availability(license(), 'US', new Date('2025-12-31T23:59:59Z')))).toEqual(['WINDOW_NOT_STARTED']);
    expect(codes(availability(license(), 'US', new Date('2027-01-01T00:00:00Z')))).toEqual(['WINDOW_ENDED']);
  });

  it('WORLDWIDE minus exclusions', () => {
    const ww = license({ territoriesIncluded: ['WORLDWIDE'], territoriesExcluded: ['CN'] });
    expect(availability(ww, 'BR', mid).available).toBe(true);
    expect(codes(availability(ww, 'CN', mid))).toEqual(['TERRITORY_EXCLUDED']);
  });

  it('a holdback applies until its date, then lifts', () => {
    const l = license({ holdbacks: [{ territory: 'CA', until: '2026-09-01T00:00:00.000Z' }] });
    expect(codes(availability(l, 'CA', mid))).toEqual(['HOLDBACK']);
    expect(availability(l, 'CA', new Date('2026-09-01T00:00:00Z')).available).toBe(true);
    expect(availability(l, 'US', mid).available).toBe(true);
  });

  it('no license, no availability', () => {
    expect(codes(availability(null, 'US', mid))).toEqual(['NO_LICENSE']);
  });
});
