import { describe, expect, it } from 'vitest';
import type { ReviewText } from './material';
import { effectivePolicy } from './policy';
import { joinSpacedLetters, profaneWords, profanityFindings } from './text-screening';

const cue = (text: string): ReviewText => ({ text, evidence: { kind: 'SUBTITLE_CUE', language: 'en', cueStart: 4, cueEnd: 6, text } });

describe('profanity checks', () => {
  it.each([
    ['leetspeak', 'Well, sh1t happens.', 'shit'],
    ['full-width letters', 'Ｆｕｃｋ this place.', 'fuck'],
    ['accents', 'Fück off now.', 'fuck'],
    ['spacing', 'You are a f u c k i n g liar.', 'fuck'],
    ['dots between letters', 'What a b.i.t.c.h move.', 'bitch'],
    ['punctuation for letters', 'What a b!tch.', 'bitch'],
  ])('see through %s', (_kind, text, word) => {
    expect(profaneWords(text).map((w) => w.word)).toContain(word);
  });

  it('leave innocent words that contain a profane one alone', () => {
    expect(profaneWords('The assassin read a classic in Scunthorpe.')).toEqual([]);
    expect(joinSpacedLetters('I am a cat')).toBe('I am a cat');
  });

  it('cite each territory’s own profanity rule at its severity, with the cue as evidence', () => {
    const findings = profanityFindings([cue('Get out, you sh1t!'), cue('Good morning.')], [effectivePolicy('US'), effectivePolicy('SA'), effectivePolicy('CN')]);
    expect(findings.map((f) => [f.territory, f.ruleId, f.severity])).toEqual([
      ['US', 'US-PROFANITY-01', 'LOW'],
      ['SA', 'SA-PROFANITY-01', 'MEDIUM'],
      ['CN', 'GLOBAL-PROFANITY-01', 'LOW'],
    ]);
    expect(findings[0]!.evidence).toMatchObject({ kind: 'SUBTITLE_CUE', cueStart: 4, match: 'sh1t', terms: ['shit'] });
  });
});
