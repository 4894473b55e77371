import { describe, expect, it } from 'vitest';
import { releaseStartOf, releaseStartWords } from './publishing';

const now = new Date('2026-12-01T03:00:00.000Z');

describe('releaseStartOf: the start a release form names', () => {
  it('reads a datetime-local value as UTC, empty as now, and nothing else', () => {
    expect(releaseStartOf('2026-12-12T09:00', now)?.toISOString()).toBe('2026-12-12T09:00:00.000Z');
    expect(releaseStartOf('2026-12-12T09:00+02:00', now)?.toISOString()).toBe('2026-12-12T07:00:00.000Z');
    expect(releaseStartOf('', now)).toBe(now);
    expect(releaseStartOf('next Tuesday', now)).toBeNull();
  });
});

describe('releaseStartWords: when the confirmation says the release goes live', () => {
  it('names a later start by its date and time in UTC', () => {
    expect(releaseStartWords(new Date('2026-12-12T09:00:00Z'), now, 'ALL_AT_ONCE')).toBe('Goes live on 12 Dec 2026, 09:00 UTC.');
  });

  it('says now for a start that has come or passed, never a date in the past', () => {
    expect(releaseStartWords(now, now, 'ALL_AT_ONCE')).toBe('Goes live now.');
    expect(releaseStartWords(new Date('2026-01-01T00:00:00Z'), now, 'ALL_AT_ONCE')).toBe('Goes live now.');
    expect(releaseStartWords(new Date('2026-11-30T12:00:00Z'), now, 'DROPS')).toBe('Goes live now.');
  });

  it('says that daily drops counted from a start days ago come at once', () => {
    expect(releaseStartWords(new Date('2026-11-20T00:00:00Z'), now, 'DROPS')).toBe('Goes live now: the daily drops count from 20 Nov 2026, 00:00 UTC, so the episodes due since then go live at once.');
  });
});
