import { WORLDWIDE } from './territories';

export type AvailabilityReasonCode =
  | 'NO_LICENSE'
  | 'TERRITORY_NOT_INCLUDED'
  | 'TERRITORY_EXCLUDED'
  | 'WINDOW_NOT_STARTED'
  | 'WINDOW_ENDED'
  | 'HOLDBACK';

export interface AvailabilityReason {
  code: AvailabilityReasonCode;
  message: string;
}

export interface LicenseLike {
  territoriesIncluded: readonly string[];
  territoriesExcluded: readonly string[];
  windowStart?: Date | null;
  windowEnd?: Date | null;
  holdbacks: ReadonlyArray<{ territory: string; until: string }>;
}

/** Whether a license lets the series be shown in `territory` at `at`, with every reason it does not. */
export function availability(license: LicenseLike | null | undefined, territory: string, at: Date): { available: boolean; reasons: AvailabilityReason[] } {
  if (!license) return { available: false, reasons: [{ code: 'NO_LICENSE', message: 'The series has no license yet.' }] };
  const reasons: AvailabilityReason[] = [];
  const included = license.territoriesIncluded.includes(WORLDWIDE) || license.territoriesIncluded.includes(territory);
  if (!included) reasons.push({ code: 'TERRITORY_NOT_INCLUDED', message: `${territory} is not among the licensed territories.` });
  if (license.territoriesExcluded.includes(territory)) reasons.push({ code: 'TERRITORY_EXCLUDED', message: `${territory} is excluded from the license.` });
  if (license.windowStart && at.getTime() < license.windowStart.getTime()) {
    reasons.push({ code: 'WINDOW_NOT_STARTED', message: `The license window starts ${license.windowStart.toISOString()}.` });
  }
  if (license.windowEnd && at.getTime() >= license.windowEnd.getTime()) {
    reasons.push({ code: 'WINDOW_ENDED', message: `The license window ended ${license.windowEnd.toISOString()}.` });
  }
  for (const holdback of license.holdbacks) {
    if ((holdback.territory === territory || holdback.territory === WORLDWIDE) && at.getTime() < new Date(holdback.until).getTime()) {
      reasons.push({ code: 'HOLDBACK', message: `A holdback in ${holdback.territory} applies until ${holdback.until}.` });
    }
  }
  return { available: reasons.length === 0, reasons };
}
