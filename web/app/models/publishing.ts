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
  const startsAt = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(startsAt.getTime()) ? null : startsAt;
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
