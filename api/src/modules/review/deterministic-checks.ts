import { hasVisibleText } from '../../domain/text-input';
import { aiContentDeclaration, aiLabelGap } from '../ai-disclosure/ai-content';
import { availability } from '../catalog/availability';
import type { FindingDraft, ReviewMaterial } from './material';
import type { EffectivePolicy } from './policy';

/** Which deterministic check a finding comes from: a stable code the go-live pre-flight reports it under. */
export type DeterministicCheck =
  | 'NOT_LICENSED'
  | 'FILING_MISSING'
  | 'RATING_MISSING'
  | 'TOO_LONG'
  | 'NOT_VERTICAL'
  | 'TITLE_RULE'
  | 'SUBTITLES_MISSING'
  | 'AI_DISCLOSURE_MISSING'
  | 'AI_LABEL_MISSING';

/**
 * What the deterministic checks read: the review material, except that the pre-flight of an
 * episode with no video yet has no media (the duration and orientation checks wait for it).
 */
export type CheckedMaterial = Pick<ReviewMaterial, 'at' | 'episode' | 'license' | 'subtitles'> & {
  series: Pick<ReviewMaterial['series'], 'title' | 'filings' | 'maturityRatings'>;
  media: Pick<ReviewMaterial['media'], 'durationSeconds' | 'width' | 'height'> | null;
};

/**
 * Checks that need no model: rights, filings, maturity ratings, duration, orientation, title rules,
 * required subtitles, the AI-content disclosure and the AI label a territory requires. Each failure
 * cites the policy requirement's rule id.
 */
export function deterministicFindings(material: ReviewMaterial, policies: readonly EffectivePolicy[]): FindingDraft[] {
  return deterministicChecks(material, policies).map((c) => c.finding);
}

/** The deterministic checks, each failure with the check it comes from (the review and the go-live pre-flight both run these). */
export function deterministicChecks(material: CheckedMaterial, policies: readonly EffectivePolicy[]): Array<{ check: DeterministicCheck; finding: FindingDraft }> {
  const findings: Array<{ check: DeterministicCheck; finding: FindingDraft }> = [];
  for (const policy of policies) {
    const t = policy.territory;
    const req = policy.requirements;
    let check: DeterministicCheck = 'NOT_LICENSED';
    const add = (rule: { id: string; severity: FindingDraft['severity'] }, category: string, evidence: FindingDraft['evidence'], explanation: string) =>
      findings.push({ check, finding: { territory: t, ruleId: rule.id, category, severity: rule.severity, source: 'DETERMINISTIC', evidence, explanation } });

    const rights = availability(material.license, t, material.at);
    if (!rights.available) {
      add(req.license, 'rights', { kind: 'LICENSE', reasons: rights.reasons.map((r) => r.code) }, `The license does not cover ${t} now: ${rights.reasons.map((r) => r.message).join(' ')}`);
    }
    check = 'FILING_MISSING';
    if (policy.requireFiling) {
      const filing = material.series.filings.find((f) => f.territory === t);
      if (!filing?.filingNumber?.trim()) add(req.filing, 'regulatory', { kind: 'METADATA', field: 'series.filings' }, `${t} requires a filing number for the series; none is recorded.`);
    }
    check = 'RATING_MISSING';
    if (policy.requireMaturityRating && !material.series.maturityRatings.some((r) => r.territory === t && r.rating.trim())) {
      add(req.rating, 'regulatory', { kind: 'METADATA', field: 'series.maturityRatings' }, `${t} requires a maturity rating for the series; none is recorded for ${t}.`);
    }
    check = 'TOO_LONG';
    if (material.media && material.media.durationSeconds > policy.maxEpisodeDurationSeconds) {
      add(req.duration, 'format', { kind: 'MEDIA', durationSeconds: material.media.durationSeconds }, `The episode runs ${Math.round(material.media.durationSeconds)} s; the maximum in ${t} is ${policy.maxEpisodeDurationSeconds} s.`);
    }
    check = 'NOT_VERTICAL';
    if (policy.requireVertical && material.media && material.media.height <= material.media.width) {
      add(req.orientation, 'format', { kind: 'MEDIA', width: material.media.width, height: material.media.height }, `The video is ${material.media.width}×${material.media.height}, not vertical.`);
    }
    check = 'TITLE_RULE';
    for (const rule of policy.titleRules) {
      const pattern = new RegExp(rule.pattern, 'iu');
      for (const [field, value] of [['series.title', material.series.title], ['episode.title', material.episode.title]] as const) {
        const match = pattern.exec(value);
        if (match) add(rule, 'title', { kind: 'METADATA', field, value, match: match[0] }, `${rule.description} Found "${match[0]}" in the ${field.replace('.', ' ')}.`);
      }
    }
    check = 'SUBTITLES_MISSING';
    for (const language of policy.requiredSubtitleLanguages) {
      // A transcript is a draft until the studio accepts it: it never stands in for required subtitles.
      const has = material.subtitles.some((s) => !s.aiTranscript && (s.language === language || s.language.startsWith(`${language}-`)));
      if (!has) add(req.subtitles, 'accessibility', { kind: 'METADATA', field: 'subtitles', language }, `${t} requires ${language} subtitles; none are uploaded.`);
    }
    check = 'AI_DISCLOSURE_MISSING';
    if (policy.requireAiDisclosure && material.license?.aiGeneratedContent && !hasVisibleText(material.license.aiDisclosure ?? '')) {
      add(req.aiDisclosure, 'disclosure', { kind: 'LICENSE', field: 'license.aiDisclosure' }, 'The series uses AI-generated content but has no disclosure.');
    }
    check = 'AI_LABEL_MISSING';
    const label = aiLabelGap(aiContentDeclaration(material.license, material.episode.aiElements), t, policy.aiLabel);
    // Informational here: the publish gate holds the episode back in the territory (AI_LABEL_MISSING) until the label is set.
    if (label && policy.aiLabel) add({ id: policy.aiLabel.rule.id, severity: 'LOW' }, 'disclosure', { kind: 'LICENSE', field: 'license.aiLabel', elements: label.elements, missing: label.missing }, `${label.message} It is not published there until then.`);
  }
  return findings;
}
