import { describe, expect, it } from 'vitest';
import { Decision } from './review-decision.entity';
import { caseOutcomes, outcomesInForce, type RecordedDecision } from './territory-outcomes';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const d = (territory: string, decision: Decision, minute: number, pendingSecondApproval = false): RecordedDecision => ({ territory, decision, createdAt: at(minute), pendingSecondApproval });

describe('caseOutcomes', () => {
  it('gives each territory its decision, in territory order', () => {
    expect(caseOutcomes([d('US', Decision.REJECT, 1), d('CA', Decision.APPROVE, 1), d('GB', Decision.APPROVE, 1)])).toEqual([
      { territory: 'CA', decision: Decision.APPROVE, decidedAt: at(1) },
      { territory: 'GB', decision: Decision.APPROVE, decidedAt: at(1) },
      { territory: 'US', decision: Decision.REJECT, decidedAt: at(1) },
    ]);
  });

  it('a first approval waiting for a second one is not an outcome; the second approval is', () => {
    expect(caseOutcomes([d('US', Decision.APPROVE, 1, true)])).toEqual([]);
    expect(caseOutcomes([d('US', Decision.APPROVE, 1, false), d('US', Decision.REJECT, 2)])).toEqual([{ territory: 'US', decision: Decision.REJECT, decidedAt: at(2) }]);
  });
});

describe('outcomesInForce', () => {
  it('an appeal decides only the territories it appealed; the others keep the decision appealed from', () => {
    const original = [d('CA', Decision.APPROVE, 1), d('US', Decision.REJECT, 1), d('MX', Decision.REJECT, 1)];
    const appeal = { appealedTerritories: ['US', 'MX'], decisions: [d('US', Decision.APPROVE, 5), d('MX', Decision.REJECT, 5)] };
    expect(outcomesInForce(appeal, original)).toEqual([
      { territory: 'CA', decision: Decision.APPROVE, decidedAt: at(1) },
      { territory: 'MX', decision: Decision.REJECT, decidedAt: at(5) },
      { territory: 'US', decision: Decision.APPROVE, decidedAt: at(5) },
    ]);
  });

  it('a review that is not an appeal stands on its own', () => {
    expect(outcomesInForce({ appealedTerritories: null, decisions: [d('US', Decision.REQUEST_CHANGES, 3)] }, [d('CA', Decision.APPROVE, 1)])).toEqual([{ territory: 'US', decision: Decision.REQUEST_CHANGES, decidedAt: at(3) }]);
  });
});
