import { describe, expect, it } from 'vitest';
import { effectivePolicy } from '../policy';
import { visualFindings } from './visual-findings';

const model = { name: 'nsfwjs/MobileNetV2', version: '4.4.0' };
const at = new Date('2026-11-30T02:00:00Z');
const scores = (sexual: number, suggestive = 0) => ({ sexual, 'sexual/suggestive': suggestive, classes: { Porn: sexual, Hentai: 0, Sexy: suggestive, Neutral: 1 - sexual - suggestive, Drawing: 0 } });

describe('visual findings from the embedded classifier', () => {
  it('flag each territory from its own pack’s threshold, citing the rule, with frame time, model and version', () => {
    // GLOBAL (US) flags sexual from 0.5; CN from 0.3 and likely violation from 0.6.
    const { findings, assessment } = visualFindings([effectivePolicy('US'), effectivePolicy('CN')], { time: 1.25, path: 'frames/x.jpg' }, scores(0.4), model, at);
    expect(findings.map((f) => [f.territory, f.ruleId, f.severity, f.category])).toEqual([['CN', 'GLOBAL-SEXUAL-01', 'MEDIUM', 'sexual']]);
    expect(findings[0]!.evidence).toMatchObject({ kind: 'FRAME', frameTime: 1.25, framePath: 'frames/x.jpg', model: 'nsfwjs/MobileNetV2', modelVersion: '4.4.0', scoredAt: at.toISOString() });
    expect(findings[0]!.score).toBe(0.4);
    expect(assessment).toMatchObject({ scores: { sexual: 0.4, 'sexual/suggestive': 0 }, model: 'nsfwjs/MobileNetV2', modelVersion: '4.4.0', blurred: true });
  });

  it('rate a score from the likely-violation threshold at least HIGH, and leave a frame under every threshold clear and unblurred', () => {
    const high = visualFindings([effectivePolicy('CN')], { time: 0, path: 'f' }, scores(0.7), model, at);
    expect(high.findings.map((f) => f.severity)).toEqual(['HIGH']);
    const clear = visualFindings([effectivePolicy('US'), effectivePolicy('CN')], { time: 0, path: 'f' }, scores(0.1, 0.2), model, at);
    expect(clear.findings).toEqual([]);
    expect(clear.assessment.blurred).toBe(false);
  });

  it('score suggestive imagery against its own category and rule', () => {
    const { findings } = visualFindings([effectivePolicy('SA')], { time: 3, path: 'f' }, scores(0, 0.35), model, at);
    expect(findings.map((f) => [f.ruleId, f.category, f.severity])).toEqual([['GLOBAL-SEXUAL-SUGGESTIVE-01', 'sexual/suggestive', 'MEDIUM']]);
  });
});
