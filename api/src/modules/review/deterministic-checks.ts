import { hasVisibleText } from '../../domain/text-input';
import { aiContentDeclaration, aiLabelGap } from '../ai-disclosure/ai-content';
import { availability } from '../catalog/availability';
import type { FindingDraft, ReviewMaterial } from './material';
import type { EffectivePolicy } from './policy';

/**
 * Checks that need no model: rights, filings, duration, orientation, title rules, required
 * subtitles, the AI-content disclosure and the AI label a territory requires. Each failure cites the policy requirement's rule id.
 */
export function deterministicFindings(material: ReviewMaterial, policies: readonly EffectivePolicy[]): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const policy of policies) {
    const t = policy.territory;
    const req = policy.requirements;
    const add = (rule: { id: string; severity: FindingDraft['severity'] }, category: string, evidence: FindingDraft['evidence'], explanation: string) =>
      findings.push({ territory: t, ruleId: rule.id, category, severity: rule.severity, source: 'DETERMINISTIC', evidence, explanation });

    const rights = availability(material.license, t, material.at);
    if (!rights.available) {
      add(req.license, 'rights', { kind: 'LICENSE', reasons: rights.reasons.map((r) => r.code) }, `The license does not cover ${t} now: ${rights.reasons.map((r) => r.message).join(' ')}`);
    }
    if (policy.requireFiling) {
      const filing = material.series.filings.find((f) => f.territory === t);
      if (!filing?.filingNumber?.trim()) add(req.filing, 'regulatory', { kind: 'METADATA', field: 'series.filings' }, `${t} requires a filing number for the series; none is recorded.`);
    }
    if (material.media.durationSeconds > policy.maxEpisodeDurationSeconds) {
      add(req.duration, 'format', { kind: 'MEDIA', durationSeconds: material.media.durationSeconds }, `The episode runs ${Math.round(material.media.durationSeconds)} s; the maximum in ${t} is ${policy.maxEpisodeDurationSeconds} s.`);
    }
    if (policy.requireVertical && material.media.height <= material.media.width) {
      add(req.orientation, 'format', { kind: 'MEDIA', width: material.media.width, height: material.media.height }, `The video is ${material.media.width}×${material.media.height}, not vertical.`);
    }
    for (const rule of policy.titleRules) {
      const pattern = new RegExp(rule.pattern, 'iu');
      for (const [field, value] of [['series.title', material.series.title], ['episode.title', material.episode.title]] as const) {
        const match = pattern.exec(value);
        if (match) add(rule, 'title', { kind: 'METADATA', field, value, match: match[0] }, `${rule.description} Found "${match[0]}" in the ${field.replace('.', ' ')}.`);
      }
    }
    for (const language of policy.requiredSubtitleLanguages) {
      // A transcript is a draft until the studio accepts it: it never stands in for required subtitles.
      const has = material.subtitles.some((s) => !s.aiTranscript && (s.language === language || s.language.startsWith(`${language}-`)));
      if (!has) add(req.subtitles, 'accessibility', { kind: 'METADATA', field: 'subtitles', language }, `${t} requires ${language} subtitles; none are uploaded.`);
    }
    if (policy.requireAiDisclosure && material.license?.aiGeneratedContent && !hasVisibleText(material.license.aiDisclosure ?? '')) {
      add(req.aiDisclosure, 'disclosure', { kind: 'LICENSE', field: 'license.aiDisclosure' }, 'The series uses AI-generated content but has no disclosure.');
    }
    const label = aiLabelGap(aiContentDeclaration(material.license, material.episode.aiElements), t, policy.aiLabel);
    // Informational here: the publish gate holds the episode back in the territory (AI_LABEL_MISSING) until the label is set.
    if (label && policy.aiLabel) add({ id: policy.aiLabel.rule.id, severity: 'LOW' }, 'disclosure', { kind: 'LICENSE', field: 'license.aiLabel', elements: label.elements, missing: label.missing }, `${label.message} It is not published there until then.`);
  }
  return findings;
}
