import { describe, expect, it } from 'vitest';
import { preselectDecisions } from './decision-preselection';
import { Verdict } from './review-case.entity';
import { Decision, type ReviewDecision } from './review-decision.entity';

const verdict = (territory: string, v: Verdict) => ({ territory, verdict: v, riskScore: 0, reasons: [] });
const first = (territory: string, decision: Decision, citedRuleIds: string[] = []) => ({ territory, decision, citedRuleIds, pendingSecondApproval: true, actorLabel: 'first@greenlight.test' }) as unknown as ReviewDecision;

describe('preselectDecisions', () => {
  it('starts clear territories approved and the others open, without a first decision', () => {
    const starts = preselectDecisions(['US', 'SA'], [verdict('US', Verdict.CLEAR), verdict('SA', Verdict.NEEDS_REVIEW)], [], []);
    expect(starts.map((s) => [s.territory, s.decision, s.citedRuleIds, s.firstDecision])).toEqual([
      ['US', Decision.APPROVE, [], null],
      ['SA', null, [], null],
    ]);
  });

  it('a case awaiting a second approval starts from the first decision and its cited rules, whatever the verdict', () => {
    const firstDecisions = [first('US', Decision.APPROVE), first('SA', Decision.REJECT, ['SA-ALCOHOL-01'])];
    const starts = preselectDecisions(['US', 'SA'], [verdict('US', Verdict.LIKELY_VIOLATION), verdict('SA', Verdict.CLEAR)], [], firstDecisions);
    expect(starts.map((s) => [s.territory, s.decision, s.citedRuleIds, s.firstDecision?.actorLabel])).toEqual([
      ['US', Decision.APPROVE, [], 'first@greenlight.test'],
      ['SA', Decision.REJECT, ['SA-ALCOHOL-01'], 'first@greenlight.test'],
    ]);
  });

  it('the rule to cite is the one rule screening flagged: LOW and INFO findings beside it do not count, a second flagged rule does', () => {
    const findings = [
      { territory: 'US', ruleId: 'GLOBAL-VIOLENCE-01', severity: 'MEDIUM' as const },
      { territory: 'US', ruleId: 'GLOBAL-VIOLENCE-01', severity: 'HIGH' as const },
      { territory: 'US', ruleId: 'GLOBAL-PROFANITY-01', severity: 'LOW' as const },
      { territory: 'US', ruleId: 'GLOBAL-ORIENTATION-01', severity: 'INFO' as const },
      { territory: 'SA', ruleId: 'SA-ALCOHOL-01', severity: 'HIGH' as const },
      { territory: 'SA', ruleId: 'SA-PROFANITY-01', severity: 'MEDIUM' as const },
      { territory: 'GB', ruleId: 'GLOBAL-PROFANITY-01', severity: 'LOW' as const },
    ];
    const starts = preselectDecisions(['US', 'SA', 'GB'], [], findings, []);
    expect(starts.map((s) => [s.territory, s.ruleToCite, s.screeningFlaggedRuleIds])).toEqual([
      ['US', 'GLOBAL-VIOLENCE-01', ['GLOBAL-VIOLENCE-01']],
      ['SA', null, ['SA-ALCOHOL-01', 'SA-PROFANITY-01']],
      ['GB', null, []],
    ]);
  });
});
