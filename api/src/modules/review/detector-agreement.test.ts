import { describe, expect, it } from 'vitest';
import { detectorAgreement, type DecidedTerritory } from './detector-agreement';

const embedded = { provider: 'embedded', model: 'keyword rules + obscenity + nsfwjs/MobileNetV2 4.4.0', aiCompleted: true };
const openai = { provider: 'openai', model: 'omni-moderation-latest + gpt-4o-mini', aiCompleted: true };
const frame = { territory: 'US', source: 'VISUAL_MODERATION', evidence: { kind: 'FRAME', model: 'nsfwjs/MobileNetV2', modelVersion: '4.4.0' } };
const keyword = { territory: 'US', source: 'RULES', evidence: { kind: 'METADATA', match: 'kill you' } };
const profanity = { territory: 'US', source: 'RULES', evidence: { kind: 'METADATA', match: 'f u c k', terms: ['fuck'] } };

describe('reviewer agreement per detector and model', () => {
  it('counts a flag a reviewer upheld or overturned, and silence a reviewer confirmed or found wrong, per detector of the screening', () => {
    const decided: DecidedTerritory[] = [
      { territory: 'US', approved: false, ...embedded, findings: [frame, keyword] },
      { territory: 'US', approved: true, ...embedded, findings: [frame, profanity] },
      // A finding in another territory says nothing about this one.
      { territory: 'JP', approved: false, ...embedded, findings: [frame] },
      { territory: 'US', approved: true, ...openai, findings: [{ territory: 'US', source: 'TEXT_MODERATION', evidence: { kind: 'SUBTITLE_CUE' } }] },
      { territory: 'US', approved: false, ...openai, findings: [{ territory: 'US', source: 'POLICY_MODEL', evidence: { kind: 'METADATA' } }] },
    ];
    expect(detectorAgreement(decided)).toEqual([
      { detector: 'POLICY_CHECKS', model: null, decisions: 5, agreed: 2, overturned: 0, missed: 3 },
      { detector: 'KEYWORD_RULES', model: null, decisions: 3, agreed: 2, overturned: 0, missed: 1 },
      { detector: 'PROFANITY_MATCHER', model: 'obscenity', decisions: 3, agreed: 0, overturned: 1, missed: 2 },
      { detector: 'EMBEDDED_IMAGE_MODEL', model: 'nsfwjs/MobileNetV2 4.4.0', decisions: 3, agreed: 1, overturned: 1, missed: 1 },
      { detector: 'OPENAI_MODERATION', model: 'omni-moderation-latest', decisions: 2, agreed: 0, overturned: 1, missed: 1 },
      { detector: 'OPENAI_POLICY_MODEL', model: 'gpt-4o-mini', decisions: 2, agreed: 2, overturned: 0, missed: 0 },
    ]);
  });

  it('gives no recommendation to models of a screening whose AI part did not complete', () => {
    const rows = detectorAgreement([{ territory: 'US', approved: true, ...openai, aiCompleted: false, findings: [] }]);
    expect(rows.map((r) => r.detector)).toEqual(['POLICY_CHECKS']);
  });
});
