import { describe, expect, it } from 'vitest';
import { releaseStartOf, releaseStartProblem, releaseStartWords, replacedPlanWords } from './publishing';

const now = new Date('2026-12-01T03:00:00.000Z');

describe('releaseStartOf: the start a release form names', () => {
  it('reads a datetime-local value as UTC, empty as now, and nothing else', () => {
    expect(releaseStartOf('2026-12-12T09:00', now)?.toISOString()).toBe('2026-12-12T09:00:00.000Z');
    expect(releaseStartOf('2026-12-12T09:00+02:00', now)?.toISOString()).toBe('2026-12-12T07:00:00.000Z');
    expect(releaseStartOf('', now)).toBe(now);
    expect(releaseStartOf('next Tuesday', now)).toBeNull();
  });

  it('reads any year a date field gives, for the API to judge, and refuses a day that does not exist', () => {
    expect(releaseStartOf('275760-09-13T00:00', now)?.getTime()).toBe(8.64e15);
    expect(releaseStartOf('9999-12-31T23:59', now)?.toISOString()).toBe('9999-12-31T23:59:00.000Z');
    expect(releaseStartOf('0001-01-01T00:00', now)?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(releaseStartOf('275760-09-14T00:00', now)).toBeNull();
    expect(releaseStartOf('2026-02-30T00:00', now)).toBeNull();
  });
});

describe('replacedPlanWords: the plan a new one replaces', () => {
  it('names its mode and start', () => {
    expect(replacedPlanWords({ mode: 'ALL_AT_ONCE', startsAt: '2026-12-03T00:00:00Z' })).toBe('Replaces the current plan: all at once from 3 Dec 2026, 00:00 UTC.');
    expect(replacedPlanWords({ mode: 'DROPS', startsAt: '2026-12-03T09:00:00Z', episodesPerDay: 2 })).toBe('Replaces the current plan: daily drops, 2 a day from 3 Dec 2026, 09:00 UTC.');
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

describe('releaseStartProblem: a start the API would refuse, by its releaseHorizon', () => {
  const horizon = { horizonYears: 10, latestStartsAt: '2036-12-01T10:00:00.000Z', earliestDropsStartsAt: '2016-12-01T10:00:00.000Z' };
  it('names the latest start for one past it, in every mode', () => {
    for (const mode of ['ALL_AT_ONCE', 'DROPS', 'SCHEDULED'] as const) {
      expect(releaseStartProblem(new Date('2036-12-01T10:01:00Z'), mode, horizon)).toBe('The start is more than 10 years ahead: the latest is 1 Dec 2036, 10:00 UTC.');
      expect(releaseStartProblem(new Date('9999-12-31T23:59:00Z'), mode, horizon)).toBe('The start is more than 10 years ahead: the latest is 1 Dec 2036, 10:00 UTC.');
    }
  });
  it('holds the bounds themselves and anything between', () => {
    expect(releaseStartProblem(new Date('2036-12-01T10:00:00Z'), 'ALL_AT_ONCE', horizon)).toBeNull();
    expect(releaseStartProblem(new Date('2016-12-01T10:00:00Z'), 'DROPS', horizon)).toBeNull();
    expect(releaseStartProblem(new Date('2026-12-01T10:00:00Z'), 'DROPS', horizon)).toBeNull();
  });
  it('refuses a drops start from before the earliest, but not another mode’s past start (that is now)', () => {
    expect(releaseStartProblem(new Date('2016-12-01T09:59:00Z'), 'DROPS', horizon)).toBe('Daily drops count from their start, which can be at most 10 years back: the earliest is 1 Dec 2016, 10:00 UTC.');
    expect(releaseStartProblem(new Date('0001-01-01T00:00:00Z'), 'ALL_AT_ONCE', horizon)).toBeNull();
  });
});
