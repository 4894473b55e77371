import { describe, expect, it } from 'vitest';
import { ACTIVE_PACKS } from '../review/policy';
import { aiContentDeclaration, aiLabelGap, AiContentElement, territoriesWithAiLabelDuty } from './ai-content';

describe('AI-content labels', () => {
  it('combine the series’ declared uses with the episode’s own', () => {
    expect(aiContentDeclaration({ aiElements: ['VOICE'], aiLabel: ' AI voices ', aiDisclosure: 'Voices are synthesised.' }, ['SCRIPT', 'VOICE'])).toEqual({ elements: ['SCRIPT', 'VOICE'], label: 'AI voices', disclosure: 'Voices are synthesised.' });
    expect(aiContentDeclaration(null)).toEqual({ elements: [], label: null, disclosure: null });
  });

  it('a label or disclosure that shows nothing (zero-width characters only, e.g. stored before the rule) is no label', () => {
    const invisible = aiContentDeclaration({ aiElements: [AiContentElement.VOICE], aiLabel: '\u200b', aiDisclosure: '\u200b\ufeff ' });
    expect(invisible).toEqual({ elements: ['VOICE'], label: null, disclosure: null });
    expect(aiLabelGap(invisible, 'CN')).toMatchObject({ missing: ['VISIBLE_LABEL', 'DISCLOSURE'] });
  });

  it('are required in CN for any declared use and in the EU for voices, faces and imagery, not for a translation', () => {
    const voices = aiContentDeclaration({ aiElements: [AiContentElement.VOICE], aiDisclosure: 'Synthesised voices.' });
    expect(aiLabelGap(voices, 'CN')).toMatchObject({ ruleId: 'CN-AI-LABEL-01', missing: ['VISIBLE_LABEL'], elements: ['VOICE'] });
    expect(aiLabelGap(voices, 'DE')).toMatchObject({ ruleId: 'DE-AI-LABEL-01', missing: ['VISIBLE_LABEL'] });
    expect(aiLabelGap(voices, 'US')).toBeNull();
    const translated = aiContentDeclaration({ aiElements: [AiContentElement.TRANSLATION] });
    expect(aiLabelGap(translated, 'FR')).toBeNull();
    expect(aiLabelGap(translated, 'CN')).toMatchObject({ missing: ['VISIBLE_LABEL', 'DISCLOSURE'] });
  });

  it('are met once the label and the disclosure are set, and never asked of content with no declared AI use', () => {
    expect(aiLabelGap(aiContentDeclaration({ aiElements: ['FACES'], aiLabel: 'AI-generated faces', aiDisclosure: 'Faces are generated.' }), 'CN')).toBeNull();
    expect(aiLabelGap(aiContentDeclaration({ aiElements: [] }), 'CN')).toBeNull();
  });

  it('hold for every territory pack that declares a duty and every combination of uses', () => {
    const territories = territoriesWithAiLabelDuty(ACTIVE_PACKS);
    expect(territories).toEqual(expect.arrayContaining(['CN', 'DE', 'FR']));
    const all = Object.values(AiContentElement);
    for (let mask = 1; mask < 1 << all.length; mask++) {
      const elements = all.filter((_, i) => mask & (1 << i));
      for (const territory of territories) {
        const gap = aiLabelGap(aiContentDeclaration({ aiElements: elements }), territory);
        const needed = ACTIVE_PACKS.find((p) => p.territory === territory)!.aiLabel!.requiredFor.filter((e) => elements.includes(e as AiContentElement));
        expect(gap?.elements ?? [], `${territory} ${elements.join('+')}`).toEqual(needed);
        expect(aiLabelGap(aiContentDeclaration({ aiElements: elements, aiLabel: 'AI', aiDisclosure: 'AI used.' }), territory)).toBeNull();
      }
    }
  });
});
