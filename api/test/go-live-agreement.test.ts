import { describe, expect, it } from 'vitest';
import { reviewStoppers } from '../src/modules/publishing/go-live';
import { aggregate } from '../src/modules/review/aggregate';
import { deterministicFindings } from '../src/modules/review/deterministic-checks';
import type { ReviewMaterial } from '../src/modules/review/material';
import { ACTIVE_PACKS, effectivePolicy } from '../src/modules/review/policy';
import { Verdict } from '../src/modules/review/review-case.entity';
import { seededRandom } from './support/hostile-webvtt';

/**
 * The go-live pre-flight and screening read one rule: whatever the material, the pre-flight lists a
 * review reason in a territory exactly when screening's deterministic findings there leave the
 * territory flagged (not CLEAR), and it lists each flagged finding's rule. Seeded random material
 * over every shipped pack's territory (and one with no pack of its own), so a check whose severity
 * the two read differently is found whichever check and territory it is.
 */
const TERRITORIES = [...new Set([...ACTIVE_PACKS.map((p) => p.territory).filter((t) => /^[A-Z]{2}$/.test(t)), 'NZ'])];

function randomMaterial(random: () => number): ReviewMaterial {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const some = <T,>(items: readonly T[]): T[] => items.filter(() => random() < 0.5);
  const at = new Date('2026-12-01T00:00:00Z');
  const titleWords = ['Love', 'Revenge', 'CEO', 'Ghost', 'Gamble', 'Blood', 'Wedding', 'Boss', 'Billionaire', 'Casino'];
  return {
    territories: TERRITORIES,
    at,
    episode: { id: 'e', number: 1, title: `${pick(titleWords)} ${pick(titleWords)}`, synopsis: '', aiElements: some(['VOICE', 'FACE', 'SCRIPT']) },
    series: {
      title: `${pick(titleWords)} of the ${pick(titleWords)}`,
      synopsis: '',
      filings: some(TERRITORIES).map((territory) => ({ territory, filingNumber: pick(['', ' ', 'F-1']) })),
      maturityRatings: some(TERRITORIES).map((territory) => ({ territory, rating: pick(['', '15']), system: null }) as ReviewMaterial['series']['maturityRatings'][number]),
    },
    license: random() < 0.2
      ? null
      : {
          territoriesIncluded: random() < 0.3 ? ['WW'] : some(TERRITORIES),
          territoriesExcluded: some(TERRITORIES).slice(0, 2),
          windowStart: random() < 0.2 ? new Date('2027-01-01T00:00:00Z') : null,
          windowEnd: null,
          holdbacks: [],
          aiGeneratedContent: random() < 0.5,
          aiDisclosure: pick([null, '', 'Voices are synthetic.']),
          aiElements: some(['VOICE', 'FACE']),
          aiLabel: pick([null, 'AI-generated']),
        },
    media: { path: 'x.mp4', sha256: 'a'.repeat(64), durationSeconds: pick([30, 90, 300, 700, 1500]), width: pick([720, 1280, 1080]), height: pick([720, 1280, 1920]) },
    subtitles: some(['en', 'en-US', 'es', 'zh-Hans', 'ar', 'de', 'fr', 'ms', 'id']).map((language) => ({ language, cues: [], aiTranscript: random() < 0.2 })),
  };
}

describe('the go-live pre-flight and screening agree', () => {
  it('for seeded random material in every territory, the pre-flight lists review reasons exactly where screening flags the territory', () => {
    const random = seededRandom(20261130);
    const seen = new Map<string, { listed: number; unlisted: number }>();
    for (let i = 0; i < 400; i++) {
      const material = randomMaterial(random);
      for (const territory of TERRITORIES) {
        const findings = deterministicFindings(material, [effectivePolicy(territory)]);
        const [screened] = aggregate([territory], findings, true);
        const listed = reviewStoppers(material, territory);
        const flagged = findings.filter((f) => aggregate([territory], [f], true)[0]!.verdict !== Verdict.CLEAR);
        const where = `material ${i} in ${territory}: ${JSON.stringify(findings.map((f) => [f.ruleId, f.severity]))}`;
        expect(listed.length > 0, where).toBe(screened!.verdict !== Verdict.CLEAR);
        expect(listed.map((r) => r.ruleId).sort(), where).toEqual(flagged.map((f) => f.ruleId).sort());
        for (const f of findings) {
          const count = seen.get(`${f.ruleId}:${f.severity}`) ?? { listed: 0, unlisted: 0 };
          if (listed.some((r) => r.ruleId === f.ruleId)) count.listed++;
          else count.unlisted++;
          seen.set(`${f.ruleId}:${f.severity}`, count);
        }
      }
    }
    // The walk reached both sides: findings the pre-flight lists and LOW ones it leaves out.
    expect([...seen.values()].some((c) => c.listed > 0)).toBe(true);
    expect([...seen].some(([key, c]) => key.endsWith(':LOW') && c.unlisted > 0 && c.listed === 0)).toBe(true);
  });
});
