import { textsOf, type FindingDraft } from '../material';
import { profanityFindings } from '../text-screening';
import type { ReviewProvider, ScreeningInput } from './provider';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The built-in text checks: each policy rule's keywords and phrases matched against the title,
 * synopses and every subtitle cue, and profanity found by an evasion-resistant matcher for the
 * territories whose packs check it. It is rules, not a model, and says so.
 */
export class RulesProvider implements ReviewProvider {
  readonly name = 'rules' as const;
  readonly model = null;
  readonly usesKeyframes = false;

  async screen({ material, policies, progress }: ScreeningInput): Promise<FindingDraft[]> {
    const texts = textsOf(material);
    const findings: FindingDraft[] = [];
    for (const [i, policy] of policies.entries()) {
      for (const rule of policy.rules) {
        if (!rule.keywords.length) continue;
        // Whole words where the keyword starts/ends with a letter; CJK phrases match anywhere.
        const pattern = new RegExp(rule.keywords.map((k) => (/^[\p{Script=Latin}]/u.test(k) ? `(?<![\\p{L}])${escape(k)}(?![\\p{L}])` : escape(k))).join('|'), 'iu');
        for (const text of texts) {
          const match = pattern.exec(text.text);
          if (!match) continue;
          findings.push({
            territory: policy.territory,
            ruleId: rule.id,
            category: rule.category,
            severity: rule.severity,
            source: 'RULES',
            evidence: { ...text.evidence, match: match[0] },
            explanation: `${rule.description} Matched "${match[0]}".`,
          });
        }
      }
      await progress('rules', i + 1, policies.length);
    }
    findings.push(...profanityFindings(texts, policies));
    return findings;
  }
}
