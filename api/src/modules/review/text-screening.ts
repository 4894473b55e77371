import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { FindingDraft, ReviewText } from './material';
import { ruleById, type EffectivePolicy, type Severity } from './policy';

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** Letters spelled apart ("f u c k", "s.h.i.t") joined again: the matcher's transformers do not undo spacing. */
const SPACED_LETTERS = /(?<![\p{L}\p{N}])\p{L}(?:[\s.\-_*·]{1,2}\p{L}){2,}(?![\p{L}\p{N}])/gu;
export const joinSpacedLetters = (text: string): string => text.replace(SPACED_LETTERS, (run) => run.replace(/[^\p{L}]/gu, ''));

/**
 * The profane words in a text, as the maintained `obscenity` English dataset finds them through
 * leetspeak ("sh1t"), confusable and full-width letters ("Ｆｕｃｋ"), accents, repeated letters and
 * spacing, with its whitelist of innocent words that contain them ("assassin"). Each is the
 * dataset's word and the text as written.
 */
export function profaneWords(text: string): Array<{ word: string; matched: string }> {
  const found = new Map<string, string>();
  for (const variant of new Set([text, joinSpacedLetters(text)])) {
    for (const match of matcher.getAllMatches(variant, true)) {
      const word = englishDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord ?? 'profanity';
      if (!found.has(word)) found.set(word, variant.slice(match.startIndex, match.endIndex + 1));
    }
  }
  return [...found].map(([word, matched]) => ({ word, matched }));
}

/**
 * Profanity in the titles, synopses and cues, for every territory whose pack checks it
 * (`profanity.ruleId`), citing that rule at its severity. Beside the packs' keyword lists: it
 * catches what plain keywords miss.
 */
export function profanityFindings(texts: readonly ReviewText[], policies: readonly EffectivePolicy[]): FindingDraft[] {
  const checked = policies.flatMap((policy) => {
    const rule = policy.profanity ? ruleById(policy, policy.profanity.ruleId) : undefined;
    return rule ? [{ policy, rule: { id: rule.id, description: rule.description, severity: rule.severity, category: (rule as { category?: string }).category ?? 'profanity' } }] : [];
  });
  if (!checked.length) return [];
  const findings: FindingDraft[] = [];
  for (const text of texts) {
    const words = profaneWords(text.text);
    if (!words.length) continue;
    for (const { policy, rule } of checked) {
      findings.push({
        territory: policy.territory,
        ruleId: rule.id,
        category: rule.category,
        severity: rule.severity as Severity,
        source: 'RULES',
        evidence: { ...text.evidence, match: words.map((w) => w.matched).join(', '), terms: words.map((w) => w.word) },
        explanation: `${rule.description} Found ${words.map((w) => `"${w.matched}" (${w.word})`).join(', ')}.`,
      });
    }
  }
  return findings;
}
