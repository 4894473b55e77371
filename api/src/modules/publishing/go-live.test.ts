import { describe, expect, it } from 'vitest';
import { episodeRuns, groupPreflight, type GoLiveReason } from './go-live';

const price = (n: number, t = 'US'): GoLiveReason => ({ code: 'NO_PRICE', stage: 'PUBLICATION', message: `No price applies to episode ${n} in ${t}.` });
const license: GoLiveReason = { code: 'NOT_LICENSED', stage: 'PUBLICATION', message: 'The license does not include US.' };

describe('groupPreflight', () => {
  it('words a reason that differs per episode once for the group, and keeps a reason worded the same for all', () => {
    const rows = [1, 2, 3, 5, 7].map((number) => ({ number, territory: 'US', blockers: [license, ...(number === 5 ? [] : [price(number)])] }));
    expect(groupPreflight(rows)).toEqual([
      {
        territory: 'US',
        ready: false,
        blockers: [
          { ...license, episodeNumbers: [1, 2, 3, 5, 7] },
          { code: 'NO_PRICE', stage: 'PUBLICATION', message: 'No price for US: episodes 1–3, 7.', episodeNumbers: [1, 2, 3, 7] },
        ],
      },
    ]);
  });

  it('keeps two reasons of one code that every episode shares as two lines, and a lone episode keeps its own sentence', () => {
    const other: GoLiveReason = { ...license, message: 'The license window has ended.' };
    const checks = groupPreflight([
      { number: 1, territory: 'DE', blockers: [license, other, price(1, 'DE')] },
      { number: 2, territory: 'DE', blockers: [license, other] },
    ]);
    expect(checks[0]!.blockers.map((b) => [b.message, b.episodeNumbers])).toEqual([
      ['The license does not include US.', [1, 2]],
      ['The license window has ended.', [1, 2]],
      ['No price applies to episode 1 in DE.', [1]],
    ]);
  });

  it('is ready where no episode has a reason, and separates review findings from the gate’s reasons of the same code', () => {
    const review: GoLiveReason = { code: 'AI_LABEL_MISSING', stage: 'REVIEW', ruleId: 'CN-AI-LABEL-01', message: 'Label it.' };
    const gate: GoLiveReason = { code: 'AI_LABEL_MISSING', stage: 'PUBLICATION', message: 'Label it.' };
    const checks = groupPreflight([
      { number: 1, territory: 'CN', blockers: [review, gate] },
      { number: 1, territory: 'FR', blockers: [] },
    ]);
    expect(checks.find((c) => c.territory === 'CN')!.blockers.map((b) => b.stage)).toEqual(['REVIEW', 'PUBLICATION']);
    expect(checks.find((c) => c.territory === 'FR')).toEqual({ territory: 'FR', ready: true, blockers: [] });
  });
});

describe('episodeRuns', () => {
  it('writes runs of consecutive numbers as ranges, in order, once each', () => {
    expect(episodeRuns([7, 3, 1, 2, 2, 9, 10])).toBe('1–3, 7, 9–10');
    expect(episodeRuns([4])).toBe('4');
  });
});
