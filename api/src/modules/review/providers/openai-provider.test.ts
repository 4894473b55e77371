import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../ai-calls';
import { moderationResults, policyFindings } from './openai-provider';

const result = { flagged: false, category_scores: { violence: 0.01 } };

describe('an answer that does not cover every input is a failure', () => {
  it('moderation: one result per input, each with scores', () => {
    expect(moderationResults({ results: [result, result] }, 2)).toHaveLength(2);
    expect(() => moderationResults({ results: [] }, 2)).toThrow(MalformedResponseError);
    expect(() => moderationResults({ results: [result] }, 2)).toThrow(/covers 1 of 2/);
    expect(() => moderationResults({}, 1)).toThrow(/no results/);
    expect(() => moderationResults({ results: [{ flagged: false }] }, 1)).toThrow(/no category scores/);
  });

  it('policy check: every territory answered, every finding well formed', () => {
    const answer = (territories: unknown) => JSON.stringify({ territories });
    const sa = { territory: 'SA', findings: [{ ruleId: 'SA-ALCOHOL-01', severity: 'HIGH', explanation: 'Whisky.', cueStart: 1 }] };
    expect(policyFindings(answer([{ territory: 'US', findings: [] }, sa]), ['US', 'SA'])).toEqual([{ territory: 'SA', ruleId: 'SA-ALCOHOL-01', severity: 'HIGH', explanation: 'Whisky.', cueStart: 1 }]);
    expect(() => policyFindings(answer([sa]), ['US', 'SA'])).toThrow(/does not cover US/);
    expect(() => policyFindings(answer([{ territory: 'US', findings: [{ ruleId: 'X', severity: 'SEVERE', explanation: '', cueStart: null }] }]), ['US'])).toThrow(/malformed finding/);
    expect(() => policyFindings(JSON.stringify({ findings: [] }), ['US'])).toThrow(MalformedResponseError);
    expect(() => policyFindings('{"territories": [', ['US'])).toThrow(/did not answer with JSON/);
  });
});
