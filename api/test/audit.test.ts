import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { CLAIM_NEXT, DECIDE, seedPendingCases } from './support/review';
import { errorCode, TestServer } from './support/server';
import { graphql } from '../../schema/graphql';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server?.stop());

const EVENTS = graphql(`
  query($org: ID, $first: Int, $after: String, $action: String) {
    auditEvents(organizationId: $org, first: $first, after: $after, action: $action) {
      nodes { id action actorLabel organizationId subjectId summary requestId occurredAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

describe('audit log', () => {
  it('the database refuses to change or delete an event', async () => {
    await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const conn = server.orm.em.getConnection();
    await expect(conn.execute(`update audit_event set action = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(conn.execute(`delete from audit_event`)).rejects.toThrow(/append-only/);
  });

  it('an operator admin pages through every event, newest first, each with the request id', async () => {
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    for (let i = 0; i < 3; i++) {
      await server.gql(graphql('mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }'), { i: { name: `Studio ${i}`, kind: 'STUDIO' } }, { token: admin.token, headers: { 'x-request-id': `create-org-${i}-req` } });
    }
    const first = await server.gql(
      EVENTS,
      { first: 2, action: 'organization.create' },
      { token: admin.token },
    );
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.auditEvents;
    expect(page1.nodes.map((n) => (n.summary.after as { name: string }).name)).toEqual(['Studio 2', 'Studio 1']);
    expect(page1.nodes.map((n) => n.requestId)).toEqual(['create-org-2-req', 'create-org-1-req']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await server.gql(
      EVENTS,
      { first: 2, action: 'organization.create', after: page1.pageInfo.endCursor },
      { token: admin.token },
    );
    expect(second.data!.auditEvents.nodes.map((n) => (n.summary.after as { name: string }).name)).toEqual(['Studio 0']);
    expect(second.data!.auditEvents.pageInfo.hasNextPage).toBe(false);
  });

  it('an owner reads only their own organization; an editor not even that; bad cursors and sizes are named', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const editor = await server.addMember(owner.organizationId, Role.EDITOR);
    await server.gql(graphql('mutation($i: InviteMemberInput!) { inviteMember(input: $i) { invitationToken } }'), { i: { organizationId: owner.organizationId, email: 'aud@example.com', role: 'VIEWER' } }, { token: owner.token });
    const own = await server.gql(EVENTS, { org: owner.organizationId }, { token: owner.token });
    expect(own.data!.auditEvents.nodes.map((n) => n.action)).toEqual(['membership.invite']);
    expect(errorCode(await server.gql(EVENTS, {}, { token: owner.token }))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(EVENTS, { org: owner.organizationId }, { token: editor.token }))).toBe('FORBIDDEN');
    const badCursor = await server.gql(EVENTS, { org: owner.organizationId, after: 'bm9wZQ' }, { token: owner.token });
    expect(errorCode(badCursor)).toBe('BAD_USER_INPUT');
    expect(badCursor.errors![0]!.extensions.field).toBe('after');
    const tooMany = await server.gql(EVENTS, { org: owner.organizationId, first: 1000 }, { token: owner.token });
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0]!.extensions.field).toBe('first');
  });
});

describe('the studio’s view of its cases’ events', () => {
  const HISTORY = /* GraphQL */ `query($id: ID!) { reviewCase(id: $id) { history { action actorLabel summary } } }`;
  const COMMENT = /* GraphQL */ `mutation($id: ID!) { addCaseComment(caseId: $id, input: { text: "Looks like a graphic scene at 0:12." }) { id } }`;

  it('follows the case’s visibility in the audit log as in the case history: no screening or comments before the decision, no claims, and no reviewer named', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const lead = await server.addMember(admin.organizationId, Role.LEAD);
    const { caseIds } = await seedPendingCases(server, owner.organizationId, 1);
    const caseId = caseIds[0]!;
    // As the screening pipeline records it.
    await server.orm.em.getConnection().execute(
      `insert into audit_event (occurred_at, action, actor_label, organization_id, subject_type, subject_id, summary)
       values (now(), 'review.screened', 'review provider: rules', ?, 'ReviewCase', ?, ?::jsonb)`,
      [owner.organizationId, caseId, JSON.stringify({ riskScore: 45, verdicts: ['US:NEEDS_REVIEW'], findings: 2 })],
    );
    const claimed = await server.gql(CLAIM_NEXT, { f: { studioId: owner.organizationId } }, { token: lead.token });
    expect(claimed.data?.claimNextCase?.id).toBe(caseId);
    expect((await server.gql(COMMENT, { id: caseId }, { token: lead.token })).errors).toBeUndefined();

    const studioView = async () => {
      const log = await server.gql(EVENTS, { org: owner.organizationId, first: 100 }, { token: owner.token });
      const history = await server.gql<{ reviewCase: { history: Array<{ action: string; actorLabel: string; summary: Record<string, unknown> }> } }>(HISTORY, { id: caseId }, { token: owner.token });
      const ofCase = log.data!.auditEvents.nodes.filter((n) => n.subjectId === caseId).reverse().map(({ action, actorLabel, summary }) => ({ action, actorLabel, summary }));
      // One rule: the log shows the case's events exactly as its history does.
      expect(ofCase).toEqual(history.data!.reviewCase.history);
      return ofCase;
    };
    const before = await studioView();
    expect(before.map((e) => e.action)).toEqual([]);
    expect(JSON.stringify(before)).not.toContain(lead.email);

    // The operator's people read everything.
    const staffLog = await server.gql(EVENTS, { org: owner.organizationId, first: 100 }, { token: admin.token });
    expect(staffLog.data!.auditEvents.nodes.map((n) => n.action)).toEqual(expect.arrayContaining(['review.screened', 'review.claim', 'review.comment']));

    const decided = await server.gql(DECIDE, { i: { caseId, version: claimed.data!.claimNextCase!.version, decisions: [{ territory: 'US', decision: 'REJECT', citedRuleIds: ['GLOBAL-VIOLENCE-GRAPHIC-01'] }] } }, { token: lead.token });
    expect(decided.errors).toBeUndefined();
    const after = await studioView();
    expect(after.map((e) => e.action)).toEqual(['review.screened', 'review.comment', 'review.decide']);
    expect(after[0]!.summary).toMatchObject({ riskScore: 45, findings: 2 });
    expect(JSON.stringify(after)).not.toContain(lead.email);
    expect(after[2]!.actorLabel).toBe('Greenlight review team');
  });
});
