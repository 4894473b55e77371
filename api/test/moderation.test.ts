import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Membership, Role } from '../src/modules/membership/membership.entity';
import { Finding, FindingSeverity, FindingSource } from '../src/modules/review/finding.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { CLAIM_NEXT, DECIDE, seedPendingCases } from './support/review';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql, type EnumOf, type VariablesOf } from '../../schema/graphql';

let server: TestServer;
let studio: SignedInMember;
let operatorOrg: string;

beforeAll(async () => {
  server = await TestServer.start();
  studio = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  operatorOrg = (await server.member(OrganizationKind.OPERATOR, Role.ADMIN)).organizationId;
});
afterAll(() => server?.stop());

const reviewer = () => server.addMember(operatorOrg, Role.REVIEWER);
const lead = () => server.addMember(operatorOrg, Role.LEAD);

type Decisions = VariablesOf<typeof DECIDE>['i']['decisions'];

async function claim(token: string, filter?: Record<string, unknown>) {
  const res = await server.gql(CLAIM_NEXT, { f: filter }, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.claimNextCase;
}

/** Each test works on its own studio's cases, so queues of different tests do not mix. */
async function freshStudioCases(count: number, options: Parameters<typeof seedPendingCases>[3] = {}) {
  const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const seeded = await seedPendingCases(server, owner.organizationId, count, options);
  return { owner, ...seeded, filter: { studioId: owner.organizationId } };
}

describe('claiming', () => {
  it('50 concurrent claimers over 1,000 cases: every case claimed exactly once', async () => {
    const { caseIds, filter } = await freshStudioCases(1000);
    const claimers = await Promise.all(Array.from({ length: 50 }, () => reviewer()));
    const claimed: string[] = [];
    await Promise.all(
      claimers.map(async (r) => {
        for (;;) {
          const c = await claim(r.token, filter);
          if (!c) return;
          claimed.push(c.id);
        }
      }),
    );
    expect(claimed).toHaveLength(1000);
    expect(new Set(claimed).size).toBe(1000);
    expect(new Set(claimed)).toEqual(new Set(caseIds));
  }, 120_000);

  it('a lapsed lease returns its case to the queue; a live one does not', async () => {
    const { caseIds, filter } = await freshStudioCases(1);
    const first = await reviewer();
    const second = await reviewer();
    expect((await claim(first.token, filter))!.id).toBe(caseIds[0]);
    expect(await claim(second.token, filter)).toBeNull();
    await server.orm.em.getConnection().execute(`update review_case set claim_expires_at = now() - interval '1 second' where id = ?`, [caseIds[0]]);
    expect((await claim(second.token, filter))!.id).toBe(caseIds[0]);
    const extend = await server.gql(graphql('mutation($id: ID!) { extendClaim(caseId: $id) { id } }'), { id: caseIds[0] }, { token: first.token });
    expect(errorCode(extend)).toBe('CONFLICT');
  });

  it('a reviewer never gets cases of a studio they belong to, and cannot be handed one', async () => {
    const { caseIds, owner, filter } = await freshStudioCases(2);
    const conflicted = await reviewer();
    const em = server.orm.em.fork();
    em.create(Membership, { user: conflicted.userId, organization: owner.organizationId, role: Role.VIEWER, createdAt: new Date() });
    await em.flush();
    const token = await server.signIn(conflicted.email);
    expect(await claim(token, filter)).toBeNull();
    const boss = await lead();
    const assign = await server.gql(graphql('mutation($c: ID!, $r: ID!) { assignCase(caseId: $c, reviewerId: $r) { id } }'), { c: caseIds[0], r: conflicted.userId }, { token: boss.token });
    expect(assign.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONFLICT_OF_INTEREST' });
    expect(assign.errors![0]!.message).toMatch(/belongs to this case's studio/);
  });

  it('escalated cases go to leads only; held cases leave the queue until released', async () => {
    const { caseIds, filter } = await freshStudioCases(1);
    const r = await reviewer();
    const c = await claim(r.token, filter);
    await server.gql(graphql('mutation($id: ID!) { escalateCase(caseId: $id, note: "Needs legal input") { id } }'), { id: c!.id }, { token: r.token });
    const plain = await reviewer();
    expect(await claim(plain.token, filter)).toBeNull();
    const l = await lead();
    // Nor can a lead hand it to a reviewer who is not a lead; to a lead, yes.
    const handed = await server.gql(graphql('mutation($c: ID!, $r: ID!) { assignCase(caseId: $c, reviewerId: $r) { id } }'), { c: caseIds[0], r: plain.userId }, { token: l.token });
    expect(handed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reviewerId' });
    const toLead = await server.gql(graphql('mutation($c: ID!, $r: ID!) { assignCase(caseId: $c, reviewerId: $r) { id } }'), { c: caseIds[0], r: l.userId }, { token: l.token });
    expect(toLead.errors).toBeUndefined();
    await server.gql(graphql('mutation($id: ID!) { releaseCase(caseId: $id) { id } }'), { id: caseIds[0] }, { token: l.token });
    expect((await claim(l.token, filter))!.id).toBe(caseIds[0]);
    await server.gql(graphql('mutation($id: ID!) { releaseCase(caseId: $id) { id } }'), { id: caseIds[0] }, { token: l.token });
    await server.gql(graphql('mutation($id: ID!) { holdCase(caseId: $id, held: true, reason: "Waiting for the licensor") { id } }'), { id: caseIds[0] }, { token: l.token });
    expect(await claim(l.token, filter)).toBeNull();
    const notLead = await server.gql(graphql('mutation($id: ID!) { holdCase(caseId: $id, held: false) { id } }'), { id: caseIds[0] }, { token: r.token });
    expect(errorCode(notLead)).toBe('FORBIDDEN');
    await server.gql(graphql('mutation($id: ID!) { holdCase(caseId: $id, held: false) { id } }'), { id: caseIds[0] }, { token: l.token });
    expect((await claim(l.token, filter))!.id).toBe(caseIds[0]);
  });
});

const CLAIM_CASE = graphql(`mutation($id: ID!) { claimCase(caseId: $id) { id version claim { heldByViewer held expiresAt } viewerCanClaim } }`);
const CLAIM_RULES = graphql(`query($id: ID!) { reviewCase(id: $id) { id viewerCanClaim claim { held heldByViewer } } }`);

const claimCase = (token: string, id: string) => server.gql(CLAIM_CASE, { id }, { token });
const mayClaim = async (token: string, id: string) => (await server.gql(CLAIM_RULES, { id }, { token })).data!.reviewCase.viewerCanClaim;
const claimedBy = async (id: string) => ((await server.orm.em.getConnection().execute(`select claimed_by_id::text as by from review_case where id = ?`, [id])) as Array<{ by: string | null }>)[0]!.by;

describe('claiming one case', () => {
  it('claims the case opened, not the top of the queue; another reviewer is told who holds it and until when', async () => {
    const { caseIds, filter } = await freshStudioCases(3);
    const r = await reviewer();
    const wanted = caseIds[2]!;
    expect(await mayClaim(r.token, wanted)).toBe(true);
    const res = await claimCase(r.token, wanted);
    expect(res.errors).toBeUndefined();
    expect(res.data!.claimCase).toMatchObject({ id: wanted, claim: { heldByViewer: true, held: true }, viewerCanClaim: false });
    expect(await claimedBy(wanted)).toBe(r.userId);
    // Claiming it again keeps it yours.
    expect((await claimCase(r.token, wanted)).data?.claimCase.id).toBe(wanted);
    const other = await reviewer();
    expect(await mayClaim(other.token, wanted)).toBe(false);
    const refused = await claimCase(other.token, wanted);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_HELD_BY_OTHER', claimedBy: expect.stringContaining(r.email) });
    const until = refused.errors![0]!.extensions.claimExpiresAt as string;
    expect(new Date(until).getTime()).toBeGreaterThan(Date.now());
    expect(refused.errors![0]!.message).toContain(r.email);
    expect(refused.errors![0]!.message).toContain(until);
    expect(await claimedBy(wanted)).toBe(r.userId);
    // The queue no longer hands it out; the others still are.
    const next = [(await claim(other.token, filter))!.id, (await claim(other.token, filter))!.id];
    expect(next.sort()).toEqual([caseIds[0]!, caseIds[1]!].sort());
    const audit = await server.orm.em.getConnection().execute(`select count(*)::int as n from audit_event where subject_id = ? and action = 'review.claim'`, [wanted]);
    expect(audit[0].n).toBe(1);
  });

  it('forged, malformed and other kinds of ids are NOT_FOUND; a studio cannot claim; nothing changes', async () => {
    const { caseIds, episodeIds } = await freshStudioCases(1);
    const r = await reviewer();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', episodeIds[0]!, studio.organizationId]) {
      const res = await claimCase(r.token, id);
      expect(errorCode(res), id).toBe('NOT_FOUND');
    }
    const byStudio = await claimCase(studio.token, caseIds[0]!);
    expect(errorCode(byStudio)).toBe('FORBIDDEN');
    expect(await claimedBy(caseIds[0]!)).toBeNull();
  });

  it('the rules claimNextCase picks by: viewerCanClaim says true exactly when claimCase goes through', async () => {
    const { caseIds, owner } = await freshStudioCases(4);
    const [mine, escalated, held, decided] = caseIds as [string, string, string, string];
    const r = await reviewer();
    const l = await lead();
    const check = async (token: string, id: string, expected: { code: string; reason: string } | null) => {
      const said = await mayClaim(token, id);
      const res = await claimCase(token, id);
      if (expected) expect(res.errors?.[0]?.extensions).toMatchObject(expected);
      else expect(res.errors).toBeUndefined();
      expect(said).toBe(expected === null);
    };
    // Own studio: a conflict of interest.
    const conflicted = await reviewer();
    const em = server.orm.em.fork();
    em.create(Membership, { user: conflicted.userId, organization: owner.organizationId, role: Role.VIEWER, createdAt: new Date() });
    await em.flush();
    await check(await server.signIn(conflicted.email), mine, { code: 'CONFLICT', reason: 'CONFLICT_OF_INTEREST' });
    // Escalated: leads only.
    await server.gql(graphql('mutation($id: ID!) { escalateCase(caseId: $id, note: "Needs legal input") { id } }'), { id: escalated }, { token: l.token });
    await check(r.token, escalated, { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    await check(l.token, escalated, null);
    // Held by a lead: nobody.
    await server.gql(graphql('mutation($id: ID!) { holdCase(caseId: $id, held: true, reason: "Waiting for the licensor") { id } }'), { id: held }, { token: l.token });
    await check(r.token, held, { code: 'CONFLICT', reason: 'CASE_HELD' });
    // Decided: not claimable.
    const got = (await claimCase(r.token, decided)).data!.claimCase;
    expect((await server.gql(DECIDE, { i: { caseId: decided, version: got.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: r.token })).errors).toBeUndefined();
    await check(l.token, decided, { code: 'CONFLICT', reason: 'CASE_NOT_PENDING' });
    // A lapsed claim is free again.
    await claimCase(r.token, mine);
    await server.orm.em.getConnection().execute(`update review_case set claim_expires_at = now() - interval '1 second' where id = ?`, [mine]);
    await check(l.token, mine, null);
  });

  it('two reviewers claiming the same case at once: exactly one wins, the other is told who holds it', async () => {
    const { caseIds } = await freshStudioCases(10);
    for (const id of caseIds) {
      const claimers = await Promise.all([reviewer(), reviewer(), reviewer()]);
      const results = await Promise.all(claimers.map((c) => claimCase(c.token, id)));
      const winners = results.filter((res) => !res.errors);
      expect(winners).toHaveLength(1);
      const winner = claimers[results.indexOf(winners[0]!)]!;
      expect(await claimedBy(id)).toBe(winner.userId);
      for (const res of results.filter((x) => x.errors)) expect(res.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_HELD_BY_OTHER', claimedBy: expect.stringContaining(winner.email) });
    }
  }, 60_000);
});

describe('deciding', () => {
  it('a stale decision is CONFLICT and changes nothing', async () => {
    const { filter } = await freshStudioCases(1);
    const r = await reviewer();
    const c = (await claim(r.token, filter))!;
    const stale = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version - 1, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: r.token });
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.message).toMatch(/changed since you opened it/);
    const fresh = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: r.token });
    expect(fresh.data?.decideCase).toEqual({ id: c.id, status: 'DECIDED', version: c.version + 1, awaitingSecondApproval: false, episode: { status: 'APPROVED' } });
    const again = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version + 1, decisions: [{ territory: 'US', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-01'] }] } }, { token: r.token });
    expect(errorCode(again)).toBe('CONFLICT');
  });

  it('names bad decisions: unknown territory, unknown rule, a rejection without a rule, a missing territory', async () => {
    const { filter } = await freshStudioCases(1, { territories: ['US', 'SA'] });
    const r = await reviewer();
    const c = (await claim(r.token, filter))!;
    const attempt = (decisions: Decisions) => server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions } }, { token: r.token });
    const cases: Array<[Decisions, string, RegExp]> = [
      [[{ territory: 'FR', decision: 'APPROVE' }], 'input.decisions.0.territory', /not a target territory/],
      [[{ territory: 'US', decision: 'APPROVE' }, { territory: 'SA', decision: 'REJECT', citedRuleIds: ['SA-NOPE-1'] }], 'input.decisions.1.citedRuleIds.0', /not a rule in the SA policy/],
      [[{ territory: 'US', decision: 'APPROVE' }, { territory: 'SA', decision: 'REJECT' }], 'input.decisions.1.citedRuleIds', /Cite the rule/],
      [[{ territory: 'US', decision: 'APPROVE' }], 'input.decisions', /missing SA/],
    ];
    for (const [decisions, field, message] of cases) {
      const res = await attempt(decisions);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.field).toBe(field);
      expect(res.errors![0]!.message).toMatch(message);
    }
  });

  it('four-eyes: approving a likely violation needs a second approval by a different lead', async () => {
    const { filter, episodeIds, owner } = await freshStudioCases(1, { verdict: 'LIKELY_VIOLATION' });
    const r = await reviewer();
    const c = (await claim(r.token, filter))!;
    const first = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: [{ territory: 'US', decision: 'APPROVE', notes: 'Context makes it fine.' }] } }, { token: r.token });
    expect(first.data?.decideCase).toMatchObject({ status: 'PENDING_REVIEW', awaitingSecondApproval: true, episode: { status: 'IN_REVIEW' } });
    const escalation = async () => (await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { status escalated } }'), { id: c.id }, { token: r.token })).data!.reviewCase;
    expect(await escalation()).toEqual({ status: 'PENDING_REVIEW', escalated: true });
    const studioReads = async () => (await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { decisions { territory actorLabel pendingSecondApproval } } }'), { id: c.id }, { token: owner.token })).data!.reviewCase.decisions;
    // A first approval waiting for its second is the operator's own business.
    expect(await studioReads()).toEqual([]);
    // Not the first approver, not another reviewer: only a lead.
    expect(await claim(r.token, filter)).toBeNull();
    expect(await claim((await reviewer()).token, filter)).toBeNull();
    const l = await lead();
    const again = (await claim(l.token, filter))!;
    const second = await server.gql(DECIDE, { i: { caseId: again.id, version: again.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: l.token });
    expect(second.data?.decideCase).toMatchObject({ status: 'DECIDED', episode: { status: 'APPROVED' } });
    // The decision ends the escalation: a decided case is no longer waiting for a lead.
    expect(await escalation()).toEqual({ status: 'DECIDED', escalated: false });
    const decisions = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { decisions { actorLabel } } }'), { id: c.id }, { token: l.token });
    expect(decisions.data!.reviewCase.decisions.map((d) => d.actorLabel)).toEqual([r.email, l.email]);
    // The studio reads both approvals signed by the team, never a reviewer's email.
    expect(await studioReads()).toEqual([1, 2].map(() => ({ territory: 'US', actorLabel: 'Greenlight review team', pendingSecondApproval: false })));
    expect(episodeIds).toHaveLength(1);
  });
});

const PRESELECTED = graphql(`
  query($id: ID!) {
    reviewCase(id: $id) {
      preselectedDecisions { territory decision citedRuleIds ruleToCite screeningFlaggedRuleIds firstDecision { actorLabel decision pendingSecondApproval } }
    }
  }
`);
const preselected = async (id: string, token: string) => (await server.gql(PRESELECTED, { id }, { token })).data!.reviewCase.preselectedDecisions;

describe('where the decision form starts', () => {
  it('four-eyes: the second reviewer starts from the first reviewer’s decisions and cited rules, naming who made them; the first approver cannot claim it again', async () => {
    const { caseIds, owner } = await freshStudioCases(1, { verdict: 'LIKELY_VIOLATION', territories: ['US', 'SA'] });
    const id = caseIds[0]!;
    const first = await lead();
    expect(await preselected(id, first.token)).toEqual([
      { territory: 'US', decision: null, citedRuleIds: [], ruleToCite: null, screeningFlaggedRuleIds: [], firstDecision: null },
      { territory: 'SA', decision: null, citedRuleIds: [], ruleToCite: null, screeningFlaggedRuleIds: [], firstDecision: null },
    ]);
    const c = (await claimCase(first.token, id)).data!.claimCase;
    const decided = await server.gql(
      DECIDE,
      { i: { caseId: id, version: c.version, decisions: [{ territory: 'US', decision: 'APPROVE' }, { territory: 'SA', decision: 'REJECT', citedRuleIds: ['SA-ALCOHOL-01', 'SA-PROFANITY-01'] }] } },
      { token: first.token },
    );
    expect(decided.data?.decideCase.awaitingSecondApproval).toBe(true);
    // Four-eyes: the first approver never gives the second approval, so cannot take the case back.
    expect(await mayClaim(first.token, id)).toBe(false);
    expect((await claimCase(first.token, id)).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'OWN_FIRST_APPROVAL' });
    expect(errorCode(await claimCase((await reviewer()).token, id))).toBe('FORBIDDEN');
    const second = await lead();
    expect(await preselected(id, second.token)).toEqual([
      { territory: 'US', decision: 'APPROVE', citedRuleIds: [], ruleToCite: null, screeningFlaggedRuleIds: [], firstDecision: { actorLabel: first.email, decision: 'APPROVE', pendingSecondApproval: true } },
      { territory: 'SA', decision: 'REJECT', citedRuleIds: ['SA-ALCOHOL-01', 'SA-PROFANITY-01'], ruleToCite: null, screeningFlaggedRuleIds: [], firstDecision: { actorLabel: first.email, decision: 'REJECT', pendingSecondApproval: true } },
    ]);
    // The studio never decides, and never reads a first decision waiting for its second.
    expect(await preselected(id, owner.token)).toEqual([]);
    expect((await claimCase(second.token, id)).errors).toBeUndefined();
  });

  it('the rule to cite is the one rule screening flagged: a LOW or INFO finding beside it does not make it ambiguous, a second flagged rule does', async () => {
    const { caseIds } = await freshStudioCases(1, { territories: ['US', 'SA', 'GB'] });
    const id = caseIds[0]!;
    const em = server.orm.em.fork();
    const finding = (territory: string, ruleId: string, severity: FindingSeverity) =>
      em.create(Finding, { reviewCase: id, territory, ruleId, category: 'test', severity, source: FindingSource.RULES, evidence: { kind: 'METADATA', field: 'title', value: 'x' }, explanation: 'Seeded for the test.' });
    finding('US', 'GLOBAL-VIOLENCE-01', FindingSeverity.MEDIUM);
    finding('US', 'GLOBAL-VIOLENCE-01', FindingSeverity.HIGH);
    finding('US', 'GLOBAL-PROFANITY-01', FindingSeverity.LOW);
    finding('US', 'GLOBAL-ORIENTATION-01', FindingSeverity.INFO);
    finding('SA', 'SA-ALCOHOL-01', FindingSeverity.HIGH);
    finding('SA', 'SA-PROFANITY-01', FindingSeverity.MEDIUM);
    finding('GB', 'GLOBAL-PROFANITY-01', FindingSeverity.LOW);
    await em.flush();
    const r = await reviewer();
    const starts = await preselected(id, r.token);
    expect(starts.map((s) => [s.territory, s.ruleToCite, s.screeningFlaggedRuleIds])).toEqual([
      ['US', 'GLOBAL-VIOLENCE-01', ['GLOBAL-VIOLENCE-01']],
      ['SA', null, expect.arrayContaining(['SA-ALCOHOL-01', 'SA-PROFANITY-01'])],
      ['GB', null, []],
    ]);
  });
});

describe('appeals, resubmission and takedown', () => {
  it('a rejection may be appealed once; the appeal never returns to the reviewer who rejected', async () => {
    const { filter, owner, caseIds } = await freshStudioCases(1);
    const rejecter = await reviewer();
    const c = (await claim(rejecter.token, filter))!;
    const rejected = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: [{ territory: 'US', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'], notes: 'Gore at 0:42.' }], comments: [{ atSeconds: 42, text: 'This shot.' }] } }, { token: rejecter.token });
    expect(rejected.data?.decideCase.episode.status).toBe('REJECTED');
    const feedback = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { decisions { notes } comments { atSeconds text } } }'), { id: c.id }, { token: owner.token });
    expect(feedback.data!.reviewCase).toEqual({ decisions: [{ notes: 'Gore at 0:42.' }], comments: [{ atSeconds: 42, text: 'This shot.' }] });

    const appeal = await server.gql(graphql('mutation($id: ID!, $s: String!) { appealCase(caseId: $id, statement: $s) { id kind status } }'), { id: caseIds[0], s: 'The scene is a dream; no real injury is shown.' }, { token: owner.token });
    expect(appeal.errors).toBeUndefined();
    expect(appeal.data?.appealCase).toMatchObject({ kind: 'APPEAL', status: 'PENDING_REVIEW' });
    expect(await claim(rejecter.token, filter)).toBeNull();
    const other = await reviewer();
    expect((await claim(other.token, filter))!.id).toBe(appeal.data!.appealCase.id);
    const twice = await server.gql(graphql('mutation($id: ID!, $s: String!) { appealCase(caseId: $id, statement: $s) { id } }'), { id: caseIds[0], s: 'Once more, with feeling.' }, { token: owner.token });
    expect(errorCode(twice)).toBe('CONFLICT');
    // Another studio learns nothing from the case's id: its answer is the one for an id that does not exist.
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const appealAs = async (id: string) => (await server.gql(graphql('mutation($id: ID!, $s: String!) { appealCase(caseId: $id, statement: $s) { id } }'), { id, s: 'Please look at this again.' }, { token: stranger.token })).errors?.map((e) => [e.extensions?.code, e.message]);
    expect(await appealAs(caseIds[0]!)).toEqual(await appealAs(randomUUID()));
    expect(await appealAs(randomUUID())).toEqual([['NOT_FOUND', 'Review case not found.']]);
  });

  it('an appeal and a resubmission of the same rejected episode sent at once: exactly one is taken, the other is refused for its reason, never a deadlock', async () => {
    // Rejected in one territory, changes asked in the other: both an appeal and a resubmission are open to the studio.
    const { filter, owner, caseIds, episodeIds } = await freshStudioCases(6, { territories: ['US', 'SA'] });
    const rejecter = await reviewer();
    for (const _ of caseIds) {
      const c = (await claim(rejecter.token, filter))!;
      const decisions = [{ territory: 'US', decision: 'REJECT' as const, citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }, { territory: 'SA', decision: 'REQUEST_CHANGES' as const, citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }];
      const res = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions } }, { token: rejecter.token });
      expect(res.data?.decideCase.episode.status).toBe('CHANGES_REQUESTED');
    }
    const APPEAL = graphql('mutation($id: ID!, $s: String!) { appealCase(caseId: $id, statement: $s) { id } }');
    const SUBMIT = graphql('mutation($i: SubmitForReviewInput!) { submitForReview(input: $i) { id } }');
    const pairs = await Promise.all(
      caseIds.map(async (caseId, i) => {
        const episodeId = (await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { episode { id } } }'), { id: caseId }, { token: owner.token })).data!.reviewCase.episode.id;
        return Promise.all([
          server.gql(APPEAL, { id: caseId, s: 'The scene is a dream; no real injury is shown.' }, { token: owner.token }),
          server.gql(SUBMIT, { i: { episodeIds: [episodeId], territories: ['US', 'SA'] } }, { token: owner.token }),
        ]).then(([appeal, submit]) => ({ i, appeal, submit }));
      }),
    );
    for (const { appeal, submit } of pairs) {
      const taken = [appeal, submit].filter((r) => !r.errors);
      const refused = [appeal, submit].filter((r) => r.errors);
      expect(taken, JSON.stringify([appeal.errors, submit.errors])).toHaveLength(1);
      expect(errorCode(refused[0]!)).toBe('CONFLICT');
      // A reason of its own, not the retry answer a deadlock or serialization failure gets.
      expect(refused[0]!.errors![0]!.message).not.toMatch(/at the same time/);
    }
    const open = await server.orm.em.getConnection().execute<Array<{ n: number }>>(`select count(*)::int n from review_case where episode_id in (?) and status in ('QUEUED', 'SCREENING', 'PENDING_REVIEW')`, [episodeIds]);
    expect(open[0]!.n).toBe(caseIds.length);
  });

  it('a rejected appeal cannot be appealed again: CONFLICT, and nothing is created', async () => {
    const { filter, owner, caseIds } = await freshStudioCases(1);
    const rejecter = await reviewer();
    const first = (await claim(rejecter.token, filter))!;
    const reject = (c: { id: string; version: number }, token: string) =>
      server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: [{ territory: 'US', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'], notes: 'Gore at 0:42.' }] } }, { token });
    expect((await reject(first, rejecter.token)).data?.decideCase.episode.status).toBe('REJECTED');
    const APPEAL = graphql('mutation($id: ID!, $s: String!) { appealCase(caseId: $id, statement: $s) { id kind } }');
    const appeal = await server.gql(APPEAL, { id: caseIds[0], s: 'The scene is a dream; no real injury is shown.' }, { token: owner.token });
    expect(appeal.data?.appealCase.kind).toBe('APPEAL');
    const other = await reviewer();
    const appealCase = (await claim(other.token, filter))!;
    expect(appealCase.id).toBe(appeal.data!.appealCase.id);
    const decided = await reject(appealCase, other.token);
    expect(decided.data?.decideCase).toMatchObject({ status: 'DECIDED', episode: { status: 'REJECTED' } });

    const cases = await server.count('review_case');
    const again = await server.gql(APPEAL, { id: appealCase.id, s: 'We appeal the appeal decision as well.' }, { token: owner.token });
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0]!.message).toMatch(/appeal is allowed once/);
    expect(await server.count('review_case')).toBe(cases);
    const episode = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { episode { status } } }'), { id: appealCase.id }, { token: owner.token });
    expect(episode.data?.reviewCase.episode.status).toBe('REJECTED');
  });

  it('a lead takes an approved episode down with a reason; reviewers cannot', async () => {
    const { filter, episodeIds } = await freshStudioCases(1, { verdict: 'CLEAR' });
    const r = await reviewer();
    const c = (await claim(r.token, filter))!;
    await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: r.token });
    const q = graphql('mutation($id: ID!) { takeDownEpisode(episodeId: $id, reason: "Rights dispute reported by the licensor") { status takedownReason } }');
    expect(errorCode(await server.gql(q, { id: episodeIds[0] }, { token: r.token }))).toBe('FORBIDDEN');
    const down = await server.gql(q, { id: episodeIds[0] }, { token: (await lead()).token });
    expect(down.data?.takeDownEpisode).toEqual({ status: 'TAKEN_DOWN', takedownReason: 'Rights dispute reported by the licensor' });
  });
});

describe('what reviewers can read', () => {
  it('the case’s studio, earlier case and claimer; and the episode’s series, subtitles and prices', async () => {
    const { filter, seriesId, owner } = await freshStudioCases(1);
    const r = await reviewer();
    const c = (await claim(r.token, filter))!;
    const view = await server.gql(graphql('query($id: ID!) { reviewCase(id: $id) { studio { id } claimedBy { email } previousCase { id kind } } }'), { id: c.id }, { token: (await lead()).token });
    expect(view.errors).toBeUndefined();
    expect(view.data!.reviewCase).toEqual({ studio: { id: owner.organizationId }, claimedBy: { email: r.email }, previousCase: null });
    const series = await server.gql(graphql('query($id: ID!) { series(id: $id) { title episodes { nodes { subtitles { language } effectivePrice(territory: "US") { priced } } } } }'), { id: seriesId }, { token: r.token });
    expect(series.errors).toBeUndefined();
    expect(series.data!.series.title).toBe('Queue series');
    // Reading is all: reviewers change nothing in a studio's catalog.
    expect(errorCode(await server.gql(graphql('mutation($id: ID!) { updateSeries(id: $id, input: { title: "x" }) { id } }'), { id: seriesId }, { token: r.token }))).toBe('FORBIDDEN');
  });
});

describe('queue views', () => {
  it('studios cannot read queues, stats or calibration', async () => {
    for (const q of ['{ reviewQueue { nodes { id } } }', '{ queueStats { pending } }', '{ reviewStats { territory } }']) {
      expect(errorCode(await server.gql(q, {}, { token: studio.token }))).toBe('FORBIDDEN');
    }
    expect(errorCode(await server.gql(graphql('mutation { claimNextCase { id } }'), {}, { token: studio.token }))).toBe('FORBIDDEN');
  });

  it('lists the queue riskiest first and counts it', async () => {
    const risky = await freshStudioCases(1, { verdict: 'LIKELY_VIOLATION' });
    const calm = await seedPendingCases(server, risky.owner.organizationId, 1, { verdict: 'CLEAR' });
    const r = await reviewer();
    const list = await server.gql(graphql('query($f: QueueFilterInput) { reviewQueue(filter: $f) { nodes { id riskScore } } }'), { f: risky.filter }, { token: r.token });
    expect(list.data!.reviewQueue.nodes.map((n) => [n.id, n.riskScore])).toEqual([[risky.caseIds[0], 80], [calm.caseIds[0], 0]]);
    const stats = await server.gql(graphql('{ queueStats { pending oldestPendingSeconds } }'), {}, { token: r.token });
    expect(stats.data!.queueStats.pending).toBeGreaterThanOrEqual(2);
    expect(stats.data!.queueStats.oldestPendingSeconds).toBeGreaterThan(0);
  });

  it('calibration counts how often humans agreed with or overturned the AI', async () => {
    // Decisions are stamped with this process's clock: count only those made from here on.
    const since = new Date().toISOString();
    const decide = async (verdict: 'CLEAR' | 'LIKELY_VIOLATION' | 'NEEDS_REVIEW', decision: EnumOf<'Decision'>) => {
      const { filter } = await freshStudioCases(1, { verdict });
      const l = await lead();
      const c = (await claim(l.token, filter))!;
      const res = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions: [{ territory: 'US', decision, citedRuleIds: decision === 'APPROVE' ? [] : ['GLOBAL-VIOLENCE-01'] }] } }, { token: l.token });
      expect(res.errors).toBeUndefined();
    };
    await decide('CLEAR', 'APPROVE');
    await decide('LIKELY_VIOLATION', 'REJECT');
    await decide('CLEAR', 'REQUEST_CHANGES');
    await decide('NEEDS_REVIEW', 'APPROVE');
    const stats = await server.gql(graphql('query($s: DateTimeISO) { reviewStats(since: $s) { territory category decisions agreed overturned uncertain } }'), { s: since }, { token: (await reviewer()).token });
    expect(stats.data!.reviewStats).toEqual([{ territory: 'US', category: 'none', decisions: 4, agreed: 2, overturned: 1, uncertain: 1 }]);
  });
});
