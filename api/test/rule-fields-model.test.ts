import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seedPendingCases } from './support/review';
import { TestServer, type SignedInMember } from './support/server';
import { seededRandom } from './support/seeded-random';

/**
 * Model-based check that the rule fields agree with their mutations: random steps move episodes
 * through review (decisions of every kind, appeals, resubmissions, takedowns) and, at every step, a
 * random person first reads the field and then tries the mutation. The field must say true exactly
 * when the mutation goes through, and a refusal must change nothing. Replay a failure with
 * RULES_SEED=<seed>.
 */
const SEED = Number(process.env.RULES_SEED ?? Math.floor(Math.random() * 1e9));
const STEPS = Number(process.env.RULES_STEPS ?? 40);

/** Seeded steps, so a failing walk can be replayed. */
const prng = seededRandom;

const EPISODE_RULES = graphql(`
  query EpisodeRules($id: ID!) {
    episode(id: $id) { id status viewerCanSubmitForReview viewerCanTakeDown reviewCases { id status viewerCanAppeal } }
  }
`);
const CLAIM_NEXT = graphql(`mutation ModelClaimNext($filter: QueueFilterInput) { claimNextCase(filter: $filter) { id version territories } }`);
const DECIDE = graphql(`mutation ModelDecide($input: DecideCaseInput!) { decideCase(input: $input) { id } }`);
const APPEAL = graphql(`mutation ModelAppeal($id: ID!) { appealCase(caseId: $id, statement: "We disagree with this decision.") { id } }`);
const SUBMIT = graphql(`mutation ModelSubmit($id: ID!) { submitForReview(input: { episodeIds: [$id], territories: ["US"] }) { id } }`);
const TAKE_DOWN = graphql(`mutation ModelTakeDown($id: ID!) { takeDownEpisode(episodeId: $id, reason: "Rights dispute reported by the licensor") { id } }`);
/** Screening is not what this test is about: a submitted case goes straight to the human queue. */
const SCREENED = `update review_case set status = 'PENDING_REVIEW', ai_status = 'COMPLETED', verdicts = '[{"territory":"US","verdict":"NEEDS_REVIEW","riskScore":45,"reasons":[]}]'::jsonb where status in ('QUEUED', 'SCREENING')`;

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server?.stop());

describe('rule fields agree with their mutations in random states, for random people', () => {
  it(`viewerCanAppeal, viewerCanSubmitForReview and viewerCanTakeDown over ${STEPS} random steps (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const operatorAdmin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const outsider = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const people: Record<string, SignedInMember> = {
      owner,
      editor: await server.addMember(owner.organizationId, Role.EDITOR),
      viewer: await server.addMember(owner.organizationId, Role.VIEWER),
      reviewer: await server.addMember(operatorAdmin.organizationId, Role.REVIEWER),
      lead: await server.addMember(operatorAdmin.organizationId, Role.LEAD),
      operatorAdmin,
      outsider,
    };
    const names = Object.keys(people);
    const { episodeIds } = await seedPendingCases(server, owner.organizationId, 3);
    const filter = { studioId: owner.organizationId };
    const seen = { appeal: [0, 0], submit: [0, 0], takeDown: [0, 0] };

    /** The field as `person` reads it; someone who cannot read the episode gets no true answer. */
    const read = async (episodeId: string, person: SignedInMember) => {
      const res = await server.gql(EPISODE_RULES, { id: episodeId }, { token: person.token });
      return res.data?.episode ?? null;
    };
    const rows = async () => (await server.orm.em.getConnection().execute(`select (select count(*) from review_case)::int + (select count(*) from audit_event)::int as n`)) as Array<{ n: number }>;

    // A short walk can miss a rule's true answer (a takedown needs a published episode): the walk goes
    // on past STEPS, up to ten times as long, until every rule has met both answers.
    const covered = () => Object.values(seen).every(([refused, allowed]) => refused! > 0 && allowed! > 0);
    for (let step = 0; step < STEPS || (!covered() && step < STEPS * 10); step++) {
      const where = `step ${step} (seed ${SEED})`;
      const episodeId = pick(episodeIds);
      // Now and then a new episode joins: a rejection whose appeal is spent ends an episode's walk.
      if (random() < 0.05) {
        episodeIds.push(...(await seedPendingCases(server, owner.organizationId, 1)).episodeIds);
        continue;
      }
      const action = pick(['decide', 'decide', 'appeal', 'submit', 'takeDown'] as const);
      if (action === 'decide') {
        // Moves a waiting case on; a reviewer or a lead, any outcome.
        const decider = people[pick(['reviewer', 'lead'])]!;
        const claimed = (await server.gql(CLAIM_NEXT, { filter }, { token: decider.token })).data?.claimNextCase;
        if (!claimed) continue;
        const decision = pick(['APPROVE', 'REJECT', 'REQUEST_CHANGES'] as const);
        const decisions = claimed.territories.map((territory) => ({ territory, decision, ...(decision === 'APPROVE' ? {} : { citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }) }));
        const res = await server.gql(DECIDE, { input: { caseId: claimed.id, version: claimed.version, decisions } }, { token: decider.token });
        expect(res.errors, where).toBeUndefined();
        continue;
      }
      // Half the tries are by the studio's own editors, the only people most rules can say yes to.
      const name = random() < 0.5 ? pick(['owner', 'editor']) : pick(names);
      const person = people[name]!;
      const before = await read(episodeId, person);
      const latestCase = before?.reviewCases[0];
      const said = action === 'appeal' ? Boolean(latestCase?.viewerCanAppeal) : action === 'submit' ? Boolean(before?.viewerCanSubmitForReview) : Boolean(before?.viewerCanTakeDown);
      // The studio owner's view names the case to appeal when the person cannot see it.
      const caseId = latestCase?.id ?? (await read(episodeId, owner))!.reviewCases[0]!.id;
      const count = (await rows())[0]!.n;
      const res =
        action === 'appeal'
          ? await server.gql(APPEAL, { id: caseId }, { token: person.token })
          : action === 'submit'
            ? await server.gql(SUBMIT, { id: episodeId }, { token: person.token })
            : await server.gql(TAKE_DOWN, { id: episodeId }, { token: person.token });
      const what = `${where}: ${action} as ${name} on an episode ${before?.status ?? '(unreadable)'} whose latest case is ${latestCase?.status ?? '(unreadable)'}`;
      expect(res.errors === undefined, `${what}: the field said ${said}, the mutation answered ${JSON.stringify(res.errors?.[0]?.extensions)}`).toBe(said);
      if (!said) {
        expect(res.errors![0]!.extensions.code, what).not.toBe('INTERNAL_SERVER_ERROR');
        expect(res.errors![0]!.extensions.reason, what).toEqual(expect.any(String));
        expect((await rows())[0]!.n, `${what}: a refusal changed nothing`).toBe(count);
      }
      seen[action][said ? 1 : 0]++;
      if (action === 'submit' && said) await server.orm.em.getConnection().execute(SCREENED);
    }
    // The walk must have met both answers of every rule, or it proved little.
    expect(covered(), `seed ${SEED}: ${JSON.stringify(seen)} (refused, allowed) per rule`).toBe(true);
  });
});
