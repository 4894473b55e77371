import type { EnumOf } from '~/graphql';
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
