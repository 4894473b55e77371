import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seedPendingCases } from './support/review';
import { TestServer, type GraphQLResponse, type SignedInMember } from './support/server';

// The dashboard reads who may do what from these fields instead of re-deriving the rules, so each
// must agree with its mutation: for every person and state below, the field says true exactly when
// the mutation goes through, and a refusal carries a stable reason.

let server: TestServer;
let operatorOrg: string;

beforeAll(async () => {
  server = await TestServer.start();
  operatorOrg = (await server.member(OrganizationKind.OPERATOR, Role.ADMIN)).organizationId;
});
afterAll(() => server?.stop());

const CLAIM_NEXT = graphql(`mutation ClaimNext($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version } }`);
const DECIDE = graphql(`mutation Decide($input: DecideCaseInput!) { decideCase(input: $input) { id status } }`);
const CASE_RULES = graphql(`
  query CaseRules($id: ID!) {
    reviewCase(id: $id) {
      id version viewerCanAppeal
      claim { held heldByViewer expiresAt }
      episode { id viewerCanTakeDown viewerCanSubmitForReview }
    }
  }
`);
const APPEAL = graphql(`mutation Appeal($id: ID!, $statement: String!) { appealCase(caseId: $id, statement: $statement) { id } }`);
const TAKE_DOWN = graphql(`mutation TakeDown($id: ID!) { takeDownEpisode(episodeId: $id, reason: "Rights dispute reported by the licensor") { status } }`);
const EXTEND = graphql(`mutation Extend($id: ID!) { extendClaim(caseId: $id) { id } }`);
const RELEASE = graphql(`mutation Release($id: ID!) { releaseCase(caseId: $id) { id } }`);
const HOLD = graphql(`mutation Hold($id: ID!, $held: Boolean!) { holdCase(caseId: $id, held: $held, reason: "Legal is checking the license") { id held } }`);
const ASSIGN = graphql(`mutation Assign($id: ID!, $reviewerId: ID!) { assignCase(caseId: $id, reviewerId: $reviewerId) { id } }`);

type DecisionKind = 'APPROVE' | 'REJECT';

/** A studio with an owner, an editor and a viewer, and one case in the human queue. */
async function studioWithCase() {
  const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
  const editor = await server.addMember(owner.organizationId, Role.EDITOR);
  const viewer = await server.addMember(owner.organizationId, Role.VIEWER);
  const { caseIds, episodeIds } = await seedPendingCases(server, owner.organizationId, 1);
  return { owner, editor, viewer, caseId: caseIds[0]!, episodeId: episodeIds[0]!, filter: { studioId: owner.organizationId } };
}

async function claimAndDecide(filter: { studioId: string }, decision: DecisionKind): Promise<string> {
  const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
  const claimed = (await server.gql(CLAIM_NEXT, { filter }, { token: reviewer.token })).data!.claimNextCase!;
  const decisions = [{ territory: 'US', decision, ...(decision === 'REJECT' ? { citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] } : {}) }];
  const res = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions } }, { token: reviewer.token });
  expect(res.errors).toBeUndefined();
  return claimed.id;
}

async function rules(caseId: string, member: SignedInMember) {
  const res = await server.gql(CASE_RULES, { id: caseId }, { token: member.token });
  expect(res.errors).toBeUndefined();
  return res.data!.reviewCase;
}

describe('viewerCanAppeal answers with the check appealCase makes', () => {
  // Each state is built fresh per person, because a successful appeal changes it.
  const states: Array<[string, (s: Awaited<ReturnType<typeof studioWithCase>>) => Promise<string>]> = [
    ['a case still awaiting a reviewer', async (s) => s.caseId],
    ['an approval', (s) => claimAndDecide(s.filter, 'APPROVE')],
    ['a rejection', (s) => claimAndDecide(s.filter, 'REJECT')],
    [
      'a rejection already appealed',
      async (s) => {
        const id = await claimAndDecide(s.filter, 'REJECT');
        expect((await server.gql(APPEAL, { id, statement: 'The scene is a dream; nobody is hurt.' }, { token: s.owner.token })).errors).toBeUndefined();
        return id;
      },
    ],
    [
      'the rejection of an appeal',
      async (s) => {
        const id = await claimAndDecide(s.filter, 'REJECT');
        expect((await server.gql(APPEAL, { id, statement: 'The scene is a dream; nobody is hurt.' }, { token: s.owner.token })).errors).toBeUndefined();
        return claimAndDecide(s.filter, 'REJECT');
      },
    ],
  ];
  const people = ['owner', 'editor', 'viewer', 'reviewer'] as const;
  for (const [state, build] of states) {
    for (const person of people) {
      it(`${state}, as the studio's ${person}`, async () => {
        const studio = await studioWithCase();
        const caseId = await build(studio);
        const member = person === 'reviewer' ? await server.addMember(operatorOrg, Role.REVIEWER) : studio[person];
        const said = (await rules(caseId, member)).viewerCanAppeal;
        const cases = await server.count('review_case');
        const res = await server.gql(APPEAL, { id: caseId, statement: 'We disagree with this decision.' }, { token: member.token });
        expect(res.errors === undefined).toBe(said);
        expect(await server.count('review_case')).toBe(said ? cases + 1 : cases);
        if (!said) expect(res.errors![0]!.extensions.reason).toEqual(expect.any(String));
      }, 60_000);
    }
  }

  it('names why: APPEAL_ALREADY_USED for a second appeal, APPEAL_OF_APPEAL for an appeal’s rejection', async () => {
    const studio = await studioWithCase();
    const original = await claimAndDecide(studio.filter, 'REJECT');
    await server.gql(APPEAL, { id: original, statement: 'The scene is a dream; nobody is hurt.' }, { token: studio.owner.token });
    const again = await server.gql(APPEAL, { id: original, statement: 'Once more, with feeling.' }, { token: studio.owner.token });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPEAL_ALREADY_USED' });
    const appealDecision = await claimAndDecide(studio.filter, 'REJECT');
    const ofAppeal = await server.gql(APPEAL, { id: appealDecision, statement: 'We appeal the appeal as well.' }, { token: studio.owner.token });
    expect(ofAppeal.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPEAL_OF_APPEAL' });
  }, 60_000);
});

describe('only the latest decision of an episode, in a status that allows it, can be appealed', () => {
  const SUBMIT = graphql(`mutation ResubmitUnchanged($id: ID!) { submitForReview(input: { episodeIds: [$id], territories: ["US", "DE"] }) { id } }`);
  const EPISODE_STATUS = graphql(`query AppealedEpisode($id: ID!) { episode(id: $id) { status } }`);
  /** Screening is not what these tests are about: a submitted case goes straight to the human queue. */
  const SCREENED = `update review_case set status = 'PENDING_REVIEW', ai_status = 'COMPLETED', verdicts = '[{"territory":"US","verdict":"NEEDS_REVIEW","riskScore":45,"reasons":[]},{"territory":"DE","verdict":"NEEDS_REVIEW","riskScore":45,"reasons":[]}]'::jsonb where status in ('QUEUED', 'SCREENING')`;

  /** A case for US and DE in the queue, decided per territory as `decisions` says. */
  async function decidedPerTerritory(decisions: { US: string; DE: string }) {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const { caseIds, episodeIds } = await seedPendingCases(server, owner.organizationId, 1, { territories: ['US', 'DE'] });
    await decideNext(owner.organizationId, decisions);
    return { owner, caseId: caseIds[0]!, episodeId: episodeIds[0]! };
  }
  async function decideNext(studioId: string, decisions: { US: string; DE: string }) {
    const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
    const claimed = (await server.gql(CLAIM_NEXT, { filter: { studioId } }, { token: reviewer.token })).data!.claimNextCase!;
    const input = Object.entries(decisions).map(([territory, decision]) => ({ territory, decision: decision as 'APPROVE', ...(decision === 'APPROVE' ? {} : { citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }) }));
    const res = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions: input } }, { token: reviewer.token });
    expect(res.errors).toBeUndefined();
  }
  async function refusedAppeal(caseId: string, owner: SignedInMember) {
    expect((await rules(caseId, owner)).viewerCanAppeal).toBe(false);
    const cases = await server.count('review_case');
    const res = await server.gql(APPEAL, { id: caseId, statement: 'We disagree with the rejection in one territory.' }, { token: owner.token });
    expect(await server.count('review_case')).toBe(cases);
    return res.errors![0]!.extensions;
  }

  it('after a takedown, a rejection in another territory is not appealable: the field says false and appealCase refuses with TRANSITION_NOT_ALLOWED', async () => {
    const { owner, caseId, episodeId } = await decidedPerTerritory({ US: 'APPROVE', DE: 'REJECT' });
    expect((await rules(caseId, owner)).viewerCanAppeal).toBe(true);
    const lead = await server.addMember(operatorOrg, Role.LEAD);
    expect((await server.gql(TAKE_DOWN, { id: episodeId }, { token: lead.token })).data?.takeDownEpisode.status).toBe('TAKEN_DOWN');
    expect(await refusedAppeal(caseId, owner)).toMatchObject({ code: 'CONFLICT', reason: 'TRANSITION_NOT_ALLOWED', transition: 'appeal', status: 'TAKEN_DOWN' });
  }, 60_000);

  it('after the unchanged episode is resubmitted, the earlier rejection is not appealable: DECISION_SUPERSEDED, field and mutation alike', async () => {
    const { owner, caseId, episodeId } = await decidedPerTerritory({ US: 'REQUEST_CHANGES', DE: 'REJECT' });
    expect((await rules(caseId, owner)).viewerCanAppeal).toBe(true);
    expect((await server.gql(SUBMIT, { id: episodeId }, { token: owner.token })).errors).toBeUndefined();
    expect(await refusedAppeal(caseId, owner)).toMatchObject({ code: 'CONFLICT', reason: 'DECISION_SUPERSEDED' });
  }, 60_000);

  it('a rejection a later review replaced cannot be appealed: the approved episode stays approved (DECISION_SUPERSEDED)', async () => {
    const { owner, caseId, episodeId } = await decidedPerTerritory({ US: 'REQUEST_CHANGES', DE: 'REJECT' });
    expect((await server.gql(SUBMIT, { id: episodeId }, { token: owner.token })).errors).toBeUndefined();
    await server.orm.em.getConnection().execute(SCREENED);
    await decideNext(owner.organizationId, { US: 'APPROVE', DE: 'APPROVE' });
    expect((await server.gql(EPISODE_STATUS, { id: episodeId }, { token: owner.token })).data?.episode.status).toBe('APPROVED');
    expect(await refusedAppeal(caseId, owner)).toMatchObject({ code: 'CONFLICT', reason: 'DECISION_SUPERSEDED' });
    expect((await server.gql(EPISODE_STATUS, { id: episodeId }, { token: owner.token })).data?.episode.status).toBe('APPROVED');
  }, 60_000);
});

describe('viewerCanTakeDown and viewerCanSubmitForReview answer with their mutations’ checks', () => {
  it('only a lead may take down, and only an approved episode', async () => {
    const studio = await studioWithCase();
    const lead = await server.addMember(operatorOrg, Role.LEAD);
    const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
    expect((await rules(studio.caseId, lead)).episode.viewerCanTakeDown).toBe(false);
    const refused = await server.gql(TAKE_DOWN, { id: studio.episodeId }, { token: lead.token });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'TRANSITION_NOT_ALLOWED', transition: 'takeDown' });

    await claimAndDecide(studio.filter, 'APPROVE');
    expect((await rules(studio.caseId, reviewer)).episode.viewerCanTakeDown).toBe(false);
    expect((await server.gql(TAKE_DOWN, { id: studio.episodeId }, { token: reviewer.token })).errors).toBeDefined();
    expect((await rules(studio.caseId, lead)).episode.viewerCanTakeDown).toBe(true);
    expect((await server.gql(TAKE_DOWN, { id: studio.episodeId }, { token: lead.token })).data?.takeDownEpisode.status).toBe('TAKEN_DOWN');
    expect((await rules(studio.caseId, lead)).episode.viewerCanTakeDown).toBe(false);
  }, 60_000);

  it('an episode in review cannot be submitted; after changes are requested its editors may, its viewer may not', async () => {
    const studio = await studioWithCase();
    expect((await rules(studio.caseId, studio.owner)).episode.viewerCanSubmitForReview).toBe(false);
    const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
    const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: reviewer.token })).data!.claimNextCase!;
    const decisions = [{ territory: 'US', decision: 'REQUEST_CHANGES' as const, citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }];
    expect((await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions } }, { token: reviewer.token })).errors).toBeUndefined();
    expect((await rules(studio.caseId, studio.owner)).episode.viewerCanSubmitForReview).toBe(true);
    expect((await rules(studio.caseId, studio.editor)).episode.viewerCanSubmitForReview).toBe(true);
    expect((await rules(studio.caseId, studio.viewer)).episode.viewerCanSubmitForReview).toBe(false);
    expect((await rules(studio.caseId, reviewer)).episode.viewerCanSubmitForReview).toBe(false);
  }, 60_000);
});

describe('rule fields read the current state, also later in the same request', () => {
  const EDIT_THEN_SUBMIT = graphql(`
    mutation EditThenSubmit($id: ID!) {
      a: updateEpisode(input: { id: $id, title: "Episode 1 (recut)" }) { viewerCanSubmitForReview }
      b: submitForReview(input: { episodeIds: [$id], territories: ["US"] }) { episode { status viewerCanSubmitForReview } }
    }
  `);

  it('after updateEpisode and submitForReview in one request, the submitted episode says viewerCanSubmitForReview false', async () => {
    const studio = await studioWithCase();
    const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
    const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: reviewer.token })).data!.claimNextCase!;
    const decisions = [{ territory: 'US', decision: 'REQUEST_CHANGES' as const, citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }];
    expect((await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions } }, { token: reviewer.token })).errors).toBeUndefined();
    const res = await server.gql(EDIT_THEN_SUBMIT, { id: studio.episodeId }, { token: studio.owner.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.a.viewerCanSubmitForReview).toBe(true);
    expect(res.data?.b[0]!.episode).toEqual({ status: 'IN_REVIEW', viewerCanSubmitForReview: false });
  }, 60_000);
});

describe('the claim, judged once on the database clock', () => {
  it('the holder sees heldByViewer until the lease lapses; then deciding is refused with CLAIM_LAPSED', async () => {
    const studio = await studioWithCase();
    const holder = await server.addMember(operatorOrg, Role.REVIEWER);
    const other = await server.addMember(operatorOrg, Role.REVIEWER);
    expect((await rules(studio.caseId, holder)).claim).toEqual({ held: false, heldByViewer: false, expiresAt: null });
    const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: holder.token })).data!.claimNextCase!;
    const mine = (await rules(studio.caseId, holder)).claim;
    expect(mine).toMatchObject({ held: true, heldByViewer: true });
    expect((await rules(studio.caseId, other)).claim).toMatchObject({ held: true, heldByViewer: false, expiresAt: mine.expiresAt });

    // A lease that ended a second ago by the database's clock, whatever this process's clock says.
    await server.orm.em.getConnection().execute(`update review_case set claim_expires_at = now() - interval '1 second' where id = ?`, [studio.caseId]);
    expect((await rules(studio.caseId, holder)).claim).toEqual({ held: false, heldByViewer: false, expiresAt: null });
    const decided = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: holder.token });
    expect(decided.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_LAPSED' });
    const extended = await server.gql(EXTEND, { id: studio.caseId }, { token: holder.token });
    expect(extended.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_LAPSED' });
  }, 60_000);

  it('a lead deciding or extending a case another reviewer holds is refused with CLAIM_HELD_BY_OTHER, not CLAIM_LAPSED', async () => {
    const studio = await studioWithCase();
    const holder = await server.addMember(operatorOrg, Role.REVIEWER);
    const lead = await server.addMember(operatorOrg, Role.LEAD);
    const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: holder.token })).data!.claimNextCase!;
    const decided = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: lead.token });
    expect(decided.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_HELD_BY_OTHER' });
    const extended = await server.gql(EXTEND, { id: studio.caseId }, { token: lead.token });
    expect(extended.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_HELD_BY_OTHER' });
    // Nothing changed: the holder still holds it and decides it.
    expect((await rules(studio.caseId, holder)).claim).toMatchObject({ held: true, heldByViewer: true });
    expect((await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: holder.token })).errors).toBeUndefined();
  }, 60_000);

  // Every mutation that needs the caller's own claim, called by another reviewer while the holder's
  // lease is live: each answers from the one lease check (claims.ts), never a bare CONFLICT.
  const CLAIM_DEPENDENT: Array<[string, (caseId: string, version: number, token: string) => Promise<GraphQLResponse<unknown>>]> = [
    ['decideCase', (id, version, token) => server.gql(DECIDE, { input: { caseId: id, version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token })],
    ['extendClaim', (id, _v, token) => server.gql(EXTEND, { id }, { token })],
    ['releaseCase', (id, _v, token) => server.gql(RELEASE, { id }, { token })],
  ];
  for (const [mutation, call] of CLAIM_DEPENDENT) {
    it(`${mutation} by a reviewer on a case another reviewer holds is refused with CLAIM_HELD_BY_OTHER, and the holder keeps it`, async () => {
      const studio = await studioWithCase();
      const holder = await server.addMember(operatorOrg, Role.REVIEWER);
      const other = await server.addMember(operatorOrg, Role.REVIEWER);
      const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: holder.token })).data!.claimNextCase!;
      const refused = await call(claimed.id, claimed.version, other.token);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_HELD_BY_OTHER' });
      expect((await rules(studio.caseId, holder)).claim).toMatchObject({ held: true, heldByViewer: true });
      // Once the lease has lapsed by the database's clock, the same call says so instead.
      await server.orm.em.getConnection().execute(`update review_case set claim_expires_at = now() - interval '1 second' where id = ?`, [studio.caseId]);
      const lapsed = await call(claimed.id, (await rules(studio.caseId, holder)).version, other.token);
      expect(lapsed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CLAIM_LAPSED' });
    }, 60_000);
  }

  it('a reviewer who joins the case’s studio while holding its claim cannot decide: heldByViewer is false and decideCase refuses with CONFLICT_OF_INTEREST', async () => {
    const studio = await studioWithCase();
    const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
    const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: reviewer.token })).data!.claimNextCase!;
    expect((await rules(claimed.id, reviewer)).claim.heldByViewer).toBe(true);
    // However the membership came about (an invitation refuses staff): the check is made at decision time.
    await server.orm.em.getConnection().execute(`insert into membership (id, user_id, organization_id, role, created_at) values (gen_random_uuid(), ?, ?, 'VIEWER', now())`, [reviewer.userId, studio.owner.organizationId]);
    expect((await rules(claimed.id, reviewer)).claim.heldByViewer).toBe(false);
    const res = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: reviewer.token });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONFLICT_OF_INTEREST' });
    expect((await server.orm.em.getConnection().execute(`select status from review_case where id = ?`, [claimed.id]))[0]).toEqual({ status: 'PENDING_REVIEW' });
  }, 60_000);

  it('a held case cannot be assigned or decided until a lead releases it (CASE_HELD)', async () => {
    const studio = await studioWithCase();
    const lead = await server.addMember(operatorOrg, Role.LEAD);
    const reviewer = await server.addMember(operatorOrg, Role.REVIEWER);
    expect((await server.gql(HOLD, { id: studio.caseId, held: true }, { token: lead.token })).errors).toBeUndefined();
    const assigned = await server.gql(ASSIGN, { id: studio.caseId, reviewerId: reviewer.userId }, { token: lead.token });
    expect(assigned.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CASE_HELD' });
    const version = (await rules(studio.caseId, reviewer)).version;
    const decided = await server.gql(DECIDE, { input: { caseId: studio.caseId, version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: reviewer.token });
    expect(decided.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CASE_HELD' });

    expect((await server.gql(HOLD, { id: studio.caseId, held: false }, { token: lead.token })).errors).toBeUndefined();
    expect((await server.gql(ASSIGN, { id: studio.caseId, reviewerId: reviewer.userId }, { token: lead.token })).errors).toBeUndefined();
    const again = await rules(studio.caseId, reviewer);
    expect(again.claim.heldByViewer).toBe(true);
    const ok = await server.gql(DECIDE, { input: { caseId: studio.caseId, version: again.version, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: reviewer.token });
    expect(ok.data?.decideCase.status).toBe('DECIDED');
  }, 60_000);

  it('a lead releases a claim another reviewer holds; the reviewer releases their own', async () => {
    const studio = await studioWithCase();
    const holder = await server.addMember(operatorOrg, Role.REVIEWER);
    const lead = await server.addMember(operatorOrg, Role.LEAD);
    await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: holder.token });
    expect((await server.gql(RELEASE, { id: studio.caseId }, { token: lead.token })).errors).toBeUndefined();
    expect((await rules(studio.caseId, holder)).claim).toEqual({ held: false, heldByViewer: false, expiresAt: null });
    await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: holder.token });
    expect((await server.gql(RELEASE, { id: studio.caseId }, { token: holder.token })).errors).toBeUndefined();
    expect((await rules(studio.caseId, holder)).claim.held).toBe(false);
  }, 60_000);

  it('a stale version is refused with CASE_VERSION_STALE, naming input.version', async () => {
    const studio = await studioWithCase();
    const holder = await server.addMember(operatorOrg, Role.REVIEWER);
    const claimed = (await server.gql(CLAIM_NEXT, { filter: studio.filter }, { token: holder.token })).data!.claimNextCase!;
    const stale = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version - 1, decisions: [{ territory: 'US', decision: 'APPROVE' }] } }, { token: holder.token });
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CASE_VERSION_STALE', field: 'input.version' });
  }, 60_000);
});
