import { describe, expect, it } from 'vitest';
import { whyAppealIsRefused } from './appeals';
import { CaseKind, CaseStatus } from './review-case.entity';
import { Decision } from './review-decision.entity';

const rejected = [{ decision: Decision.APPROVE }, { decision: Decision.REJECT }];
const decided = { kind: CaseKind.REVIEW, status: CaseStatus.DECIDED, appealedAt: null, invalidatedAt: null };

describe('appeal once', () => {
  it('a decided rejection may be appealed', () => {
    expect(whyAppealIsRefused(decided, rejected, false)).toBeNull();
  });

  it('a rejected appeal may not be appealed again, whatever else holds', () => {
    expect(whyAppealIsRefused({ ...decided, kind: CaseKind.APPEAL }, rejected, false)).toMatchObject({ reason: 'APPEAL_OF_APPEAL', message: expect.stringMatching(/appeal is allowed once/) });
  });

  it('an appealed rejection, an open case, an approval and a stale decision are refused', () => {
    expect(whyAppealIsRefused({ ...decided, appealedAt: new Date() }, rejected, false)).toMatchObject({ reason: 'APPEAL_ALREADY_USED', message: expect.stringMatching(/already been appealed/) });
    expect(whyAppealIsRefused({ ...decided, status: CaseStatus.PENDING_REVIEW }, rejected, false)).toMatchObject({ reason: 'CASE_NOT_DECIDED', message: expect.stringMatching(/Only decided/) });
    expect(whyAppealIsRefused(decided, [{ decision: Decision.APPROVE }], false)).toMatchObject({ reason: 'NOTHING_REJECTED', message: expect.stringMatching(/Only rejections/) });
    expect(whyAppealIsRefused({ ...decided, invalidatedAt: new Date() }, rejected, false)).toMatchObject({ reason: 'EPISODE_CHANGED', message: expect.stringMatching(/changed since the decision/) });
  });

  it('a decision a later review of the episode replaced is refused with its own reason', () => {
    expect(whyAppealIsRefused(decided, rejected, true)).toMatchObject({ reason: 'DECISION_SUPERSEDED', message: expect.stringMatching(/only the latest decision/) });
  });
});
