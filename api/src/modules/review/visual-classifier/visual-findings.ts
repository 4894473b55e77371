import type { FindingDraft } from '../material';
import { ruleForCategory, SEVERITY_ORDER, type EffectivePolicy, type Severity } from '../policy';
import { VISUAL_CATEGORIES, type FrameScores } from './visual-classifier';

/** What the screening records of one scored keyframe (kept with the assessment's keyframes). */
export interface FrameAssessment {
  scores: Record<string, number>;
  classes: Record<string, number>;
  model: string;
  modelVersion: string;
  /** ISO 8601: when the frame was scored. */
  scoredAt: string;
  /** Whether a reviewer sees the frame blurred until revealed: some territory's threshold is reached. */
  blurred: boolean;
}

const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b);

/**
 * One keyframe's scores against each territory's thresholds for the embedded visual classifier
 * (`visualClassifierThresholds` in the policy packs): from `needsReview` a MEDIUM finding, from
 * `likelyViolation` the cited rule's severity, at least HIGH. Each finding carries the frame time,
 * the model, its version and the scores.
 */
export function visualFindings(
  policies: readonly EffectivePolicy[],
  frame: { time: number; path: string },
  scores: FrameScores,
  model: { name: string; version: string },
  scoredAt: Date,
): { findings: FindingDraft[]; assessment: FrameAssessment } {
  const findings: FindingDraft[] = [];
  for (const policy of policies) {
    for (const category of VISUAL_CATEGORIES) {
      const threshold = policy.visualClassifierThresholds[category];
      const score = scores[category];
      if (!threshold || score < threshold.needsReview) continue;
      const rule = ruleForCategory(policy, category);
      if (!rule) continue;
      findings.push({
        territory: policy.territory,
        ruleId: rule.id,
        category,
        severity: score >= threshold.likelyViolation ? maxSeverity(rule.severity, 'HIGH') : 'MEDIUM',
        source: 'VISUAL_MODERATION',
        score,
        evidence: { kind: 'FRAME', frameTime: frame.time, framePath: frame.path, model: model.name, modelVersion: model.version, scoredAt: scoredAt.toISOString(), scores: { ...scores.classes } },
        explanation: `The keyframe at ${frame.time.toFixed(2)} s scored ${score.toFixed(2)} for ${category} on the embedded ${model.name} ${model.version} (${policy.territory} flags from ${threshold.needsReview}, likely violation from ${threshold.likelyViolation}). A small model: reviewers judge.`,
      });
    }
  }
  return {
    findings,
    assessment: {
      scores: Object.fromEntries(VISUAL_CATEGORIES.map((c) => [c, scores[c]])),
      classes: scores.classes,
      model: model.name,
      modelVersion: model.version,
      scoredAt: scoredAt.toISOString(),
      blurred: findings.length > 0,
    },
  };
}
