import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type ResultOf, type VariablesOf } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createLiveSeries, createPartner } from './support/publishing';
import { CLAIM_NEXT, DECIDE, seedPendingCases } from './support/review';
import { TestServer, type GraphQLResponse, type SignedInMember } from './support/server';

let server: TestServer;
let admin: SignedInMember;

beforeAll(async () => {
  server = await TestServer.start({ REVIEW_FOUR_EYES: 'true' });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
});
afterAll(() => server?.stop());

const OUTCOMES = graphql(`query Outcomes($id: ID!) { episode(id: $id) { status liveTerritories territoryOutcomes { territory decision decidedAt } reviewCases { id kind territoryOutcomes { territory decision } } } }`);
const QUEUE = graphql(`query OutcomeQueue($f: QueueFilterInput, $g: Boolean, $after: String) { reviewQueue(filter: $f, first: 4, after: $after, groupBySeries: $g) { nodes { id seriesTitle studio { name } episode { number title } } pageInfo { endCursor hasNextPage } } }`);
const APPEAL = graphql(`mutation OutcomeAppeal($c: ID!) { appealCase(caseId: $c, statement: "The scene is a news report, not gore.") { id } }`);
const RENAME = graphql(`mutation OutcomeRename($i: UpdateEpisodeInput!) { updateEpisode(input: $i) { id } }`);
const outcomesOf = async (episodeId: string, token: string) => {
  const res = await server.gql(OUTCOMES, { id: episodeId }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.episode!;
};
const plain = (list: Array<{ territory: string; decision: string }>) => list.map((o) => `${o.territory}:${o.decision}`);

async function claimAndDecide(token: string, studioId: string, decisions: VariablesOf<typeof DECIDE>['i']['decisions']) {
  const c = (await server.gql(CLAIM_NEXT, { f: { studioId } }, { token })).data!.claimNextCase!;
  const d = await server.gql(DECIDE, { i: { caseId: c.id, version: c.version, decisions } }, { token });
  expect(d.errors).toBeUndefined();
  return { caseId: c.id, status: d.data!.decideCase.status };
}

describe('the outcome per territory', () => {
  it('a partial rejection is approved in some territories and rejected in others, on the episode and on its case', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const { episodeIds } = await seedPendingCases(server, owner.organizationId, 1, { territories: ['US', 'CA', 'GB'] });
    const before = await outcomesOf(episodeIds[0]!, owner.token);
    expect(before.territoryOutcomes).toEqual([]);
    const reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
    await claimAndDecide(reviewer.token, owner.organizationId, [
      { territory: 'CA', decision: 'APPROVE' },
      { territory: 'GB', decision: 'APPROVE' },
      { territory: 'US', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] },
    ]);
    const after = await outcomesOf(episodeIds[0]!, owner.token);
    // The episode's status alone says "approved": the outcomes say where.
    expect(after.status).toBe('APPROVED');
    expect(plain(after.territoryOutcomes)).toEqual(['CA:APPROVE', 'GB:APPROVE', 'US:REJECT']);
    expect(plain(after.reviewCases[0]!.territoryOutcomes)).toEqual(['CA:APPROVE', 'GB:APPROVE', 'US:REJECT']);
    // The reviewer reads the same through the case.
    const asReviewer = await outcomesOf(episodeIds[0]!, reviewer.token);
    expect(plain(asReviewer.territoryOutcomes)).toEqual(plain(after.territoryOutcomes));
  });

  it('after an appeal, the appealed territories take the appeal’s decision and the others keep theirs', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const { episodeIds } = await seedPendingCases(server, owner.organizationId, 1, { territories: ['US', 'CA'] });
    const rejecter = await server.addMember(admin.organizationId, Role.REVIEWER);
    const { caseId } = await claimAndDecide(rejecter.token, owner.organizationId, [
      { territory: 'CA', decision: 'APPROVE' },
      { territory: 'US', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] },
    ]);
    const appeal = await server.gql(APPEAL, { c: caseId }, { token: owner.token });
    expect(appeal.errors).toBeUndefined();
    const second = await server.addMember(admin.organizationId, Role.REVIEWER);
    await claimAndDecide(second.token, owner.organizationId, [{ territory: 'US', decision: 'APPROVE' }]);
    const after = await outcomesOf(episodeIds[0]!, owner.token);
    expect(plain(after.territoryOutcomes)).toEqual(['CA:APPROVE', 'US:APPROVE']);
    // The appeal's own outcome names only what it decided.
    expect(plain(after.reviewCases.find((c) => c.kind === 'APPEAL')!.territoryOutcomes)).toEqual(['US:APPROVE']);
  });

  it('a first approval waiting for a lead’s second one is not an outcome yet', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const { episodeIds } = await seedPendingCases(server, owner.organizationId, 1, { verdict: 'LIKELY_VIOLATION', territories: ['US'] });
    const reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
    const { status } = await claimAndDecide(reviewer.token, owner.organizationId, [{ territory: 'US', decision: 'APPROVE' }]);
    expect(status).toBe('PENDING_REVIEW');
    const after = await outcomesOf(episodeIds[0]!, owner.token);
    expect(after.territoryOutcomes).toEqual([]);
    expect(after.reviewCases[0]!.territoryOutcomes).toEqual([]);
  });

  it('a review whose material changed since no longer counts', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const { episodeIds } = await seedPendingCases(server, owner.organizationId, 1, { territories: ['US'] });
    const reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
    await claimAndDecide(reviewer.token, owner.organizationId, [{ territory: 'US', decision: 'APPROVE' }]);
    expect(plain((await outcomesOf(episodeIds[0]!, owner.token)).territoryOutcomes)).toEqual(['US:APPROVE']);
    const renamed = await server.gql(RENAME, { i: { id: episodeIds[0]!, title: 'A new title' } }, { token: owner.token });
    expect(renamed.errors).toBeUndefined();
    expect((await outcomesOf(episodeIds[0]!, owner.token)).territoryOutcomes).toEqual([]);
  });

  it('lists the territories an episode is live in for partners, and none for another studio', async () => {
    const lead = await server.addMember(admin.organizationId, Role.LEAD);
    const partner = await createPartner(server, admin, ['US', 'CA']);
    const { owner, episodeIds } = await createLiveSeries(server, lead, 2, partner.organizationId, { territories: ['US'] });
    const episode = await outcomesOf(episodeIds[0]!, owner.token);
    expect(episode.liveTerritories).toEqual(['US']);
    expect(plain(episode.territoryOutcomes)).toEqual(['US:APPROVE']);
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const res = await server.gql(OUTCOMES, { id: episodeIds[0]! }, { token: stranger.token });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('the queue names what it holds', () => {
  it('rows carry the series title and studio; grouped by series, each series stays together in order of its most urgent case, across pages', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const a = await seedPendingCases(server, owner.organizationId, 3, { seriesTitle: 'Crimson Vows' });
    const b = await seedPendingCases(server, owner.organizationId, 3, { seriesTitle: 'Jade Throne' });
    // Interleave the two series by priority: risk decides first.
    const order = [a.caseIds[0], b.caseIds[0], a.caseIds[1], b.caseIds[1], a.caseIds[2], b.caseIds[2]];
    for (const [i, id] of order.entries()) await server.orm.em.getConnection().execute(`update review_case set risk_score = ? where id = ?`, [90 - i * 10, id]);
    const reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
    const walk = async (grouped: boolean) => {
      const seen: ResultOf<typeof QUEUE>['reviewQueue']['nodes'] = [];
      let after: string | null = null;
      for (;;) {
        const res: GraphQLResponse<ResultOf<typeof QUEUE>> = await server.gql(QUEUE, { f: { studioId: owner.organizationId }, g: grouped, after }, { token: reviewer.token });
        expect(res.errors).toBeUndefined();
        seen.push(...res.data!.reviewQueue.nodes);
        if (!res.data!.reviewQueue.pageInfo.hasNextPage) return seen;
        after = res.data!.reviewQueue.pageInfo.endCursor;
      }
    };
    const flat = await walk(false);
    expect(flat.map((c) => c.id)).toEqual(order);
    expect(flat.map((c) => c.seriesTitle)).toEqual(['Crimson Vows', 'Jade Throne', 'Crimson Vows', 'Jade Throne', 'Crimson Vows', 'Jade Throne']);
    const studioName = flat[0]!.studio.name;
    expect(studioName).toBeTruthy();
    expect(flat.every((c) => c.studio.name === studioName)).toBe(true);
    const grouped = await walk(true);
    expect(grouped.map((c) => c.id)).toEqual([a.caseIds[0], a.caseIds[1], a.caseIds[2], b.caseIds[0], b.caseIds[1], b.caseIds[2]]);
  });
});
