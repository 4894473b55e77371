import type { FindingDraft } from './material';
import { SEVERITY_ORDER, type Severity } from './policy';
import { Verdict, type TerritoryVerdict } from './review-case.entity';

const BASE_RISK: Record<Severity, number> = { INFO: 2, LOW: 15, MEDIUM: 45, HIGH: 75, BLOCKING: 95 };

/**
 * The verdict a territory's worst finding earns (no finding: CLEAR): LIKELY_VIOLATION for HIGH or
 * BLOCKING, NEEDS_REVIEW for MEDIUM, CLEAR for LOW and INFO. The one rule of what screening flags:
 * the go-live pre-flight lists a review finding only where this says it is flagged.
 */
export function verdictOfWorst(worst: Severity | undefined): Verdict {
  if (worst === 'HIGH' || worst === 'BLOCKING') return Verdict.LIKELY_VIOLATION;
  if (worst === 'MEDIUM') return Verdict.NEEDS_REVIEW;
  return Verdict.CLEAR;
}

/** Whether screening flags a territory for a finding of this severity (its verdict is not CLEAR). */
export const flaggedByScreening = (severity: Severity): boolean => verdictOfWorst(severity) !== Verdict.CLEAR;

/**
 * Per territory: LIKELY_VIOLATION for any HIGH or BLOCKING finding, NEEDS_REVIEW for MEDIUM (or when
 * the AI could not run: failing closed), else CLEAR; a 0–100 risk from the worst finding plus a
 * little for each further one; and the reasons behind it.
 */
export function aggregate(territories: readonly string[], findings: readonly FindingDraft[], aiCompleted: boolean): TerritoryVerdict[] {
  return territories.map((territory) => {
    const own = findings.filter((f) => f.territory === territory).sort((a, b) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity));
    const worst = own[0]?.severity;
    let verdict = verdictOfWorst(worst);
    // Failing closed: without the AI, a territory the deterministic checks found clear still needs a person.
    if (verdict === Verdict.CLEAR && !aiCompleted) verdict = Verdict.NEEDS_REVIEW;
    let riskScore = worst ? Math.min(100, BASE_RISK[worst] + Math.min(own.length - 1, 4)) : 0;
    const reasons = own.slice(0, 3).map((f) => `${f.ruleId} (${f.severity.toLowerCase()}): ${f.explanation}`);
    if (own.length > 3) reasons.push(`…and ${own.length - 3} more finding${own.length - 3 > 1 ? 's' : ''}.`);
    if (!aiCompleted) {
      riskScore = Math.max(riskScore, 50);
      reasons.push('The AI screening was unavailable; only the deterministic checks ran.');
    }
    if (!own.length && aiCompleted) reasons.push('No findings.');
    return { territory, verdict, riskScore, reasons };
  });
}
