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
