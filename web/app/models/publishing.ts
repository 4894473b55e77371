import type { EnumOf } from '~/graphql';
import { formatDateTime } from '~/components/time';
import { decisionLabel, type Decision } from './episode';

export type ReleaseMode = EnumOf<'ReleaseMode'>;

export const RELEASE_MODES: ReadonlyArray<{ value: ReleaseMode; label: string }> = [
  { value: 'ALL_AT_ONCE', label: 'All at once' },
  { value: 'DROPS', label: 'Daily drops' },
];

export function releaseModeLabel(mode: ReleaseMode): string {
  if (mode === 'SCHEDULED') return 'Per-episode schedule';
  return RELEASE_MODES.find((m) => m.value === mode)?.label ?? mode;
}

/**
 * When a release plan starts, from the form's "Starts (UTC)": a datetime-local value without a zone
 * is read as UTC, the zone every date on the dashboard uses; empty is `now`. Null when it is not a
 * date and time.
 */
export function releaseStartOf(text: string, now: Date): Date | null {
  if (!text) return now;
  // A datetime-local value, read the same in every browser and on the server, whatever its year
  // (`275760-09-13T00:00`): whether a plan may start then is the API's to say.
  const local = /^(\d{4,6})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(text);
  if (local) {
    const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
    const startsAt = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
    startsAt.setUTCFullYear(year);
    const exact = startsAt.getUTCFullYear() === year && startsAt.getUTCMonth() === month - 1 && startsAt.getUTCDate() === day && startsAt.getUTCHours() === hour;
    return exact ? startsAt : null;
  }
  const startsAt = new Date(text);
  return /[zZ]|[+-]\d\d:\d\d$/.test(text) && !Number.isNaN(startsAt.getTime()) ? startsAt : null;
}

/** The plan a new one for the same partner replaces, as the confirmation names it. */
export function replacedPlanWords(plan: { mode: ReleaseMode; startsAt: string; episodesPerDay?: number | null }): string {
  const drops = plan.mode === 'DROPS' && plan.episodesPerDay ? `, ${plan.episodesPerDay} a day` : '';
  return `Replaces the current plan: ${releaseModeLabel(plan.mode).toLowerCase()}${drops} from ${formatDateTime(plan.startsAt)}.`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a release goes live, as the studio confirms it. A start that has come is now — a plan may
 * start in the past, and then its episodes go live as soon as every check passes; daily drops
 * still count from that start, so the drops due since then come at once. A later start is named.
 */
export function releaseStartWords(startsAt: Date, now: Date, mode: ReleaseMode): string {
  if (startsAt.getTime() > now.getTime()) return `Goes live on ${formatDateTime(startsAt.toISOString())}.`;
  if (mode === 'DROPS' && now.getTime() - startsAt.getTime() >= DAY_MS) {
    return `Goes live now: the daily drops count from ${formatDateTime(startsAt.toISOString())}, so the episodes due since then go live at once.`;
  }
  return 'Goes live now.';
}

/** The API's `releaseHorizon`: the times a release plan may hold as of when the page was loaded. */
export interface ReleaseHorizon {
  horizonYears: number;
  latestStartsAt: string;
  earliestDropsStartsAt: string;
}

/**
 * Why `setReleasePlan` would refuse a plan starting at `startsAt` in `mode`, by the bounds the API
 * gave (`releaseHorizon`), so the form says so before asking to confirm; `null` when within them.
 */
export function releaseStartProblem(startsAt: Date, mode: ReleaseMode, horizon: ReleaseHorizon): string | null {
  if (startsAt.getTime() > new Date(horizon.latestStartsAt).getTime()) {
    return `The start is more than ${horizon.horizonYears} years ahead: the latest is ${formatDateTime(horizon.latestStartsAt)}.`;
  }
  if (mode === 'DROPS' && startsAt.getTime() < new Date(horizon.earliestDropsStartsAt).getTime()) {
    return `Daily drops count from their start, which can be at most ${horizon.horizonYears} years back: the earliest is ${formatDateTime(horizon.earliestDropsStartsAt)}.`;
  }
  return null;
}

/** Why an episode is not live, in a word or two; the API's full message goes on hover and in details. */
const REASON_LABELS: Record<string, string> = {
  TERRITORY_NOT_SERVED: 'Not served',
  TAKEN_DOWN: 'Taken down',
  NOT_APPROVED: 'Not approved',
  APPROVAL_STALE: 'Needs re-review',
  NOT_LICENSED: 'No rights',
  NO_PRICE: 'No price',
  NOT_RELEASED: 'Not released',
  RELEASE_SCHEDULED: 'Scheduled',
  LOCALIZATION_MISSING: 'Localization missing',
  AI_LABEL_MISSING: 'AI label missing',
  NOT_EVALUATED: 'Checking…',
};

export function reasonLabel(code: string): string {
  return REASON_LABELS[code] ?? code.toLowerCase().replace(/_/g, ' ');
}

/**
 * Why an episode is not live in a territory, in a word or two. "Not approved" is what the API says
 * of every episode without an approval there; when a review decided otherwise (its
 * `territoryOutcomes`), that decision says more: "Rejected", "Changes requested".
 */
export function notLiveLabel(reasons: ReadonlyArray<{ code: string }>, decided: Decision | undefined): string {
  const labels = reasons.map((r) => (r.code === 'NOT_APPROVED' && decided && decided !== 'APPROVE' ? decisionLabel(decided) : reasonLabel(r.code)));
  return labels.join(', ') || 'Not live';
}

export function deliveryStatusLabel(status: string): string {
  return status === 'SUCCEEDED' ? 'Delivered' : status === 'FAILED' ? 'Failed' : 'Pending';
}
