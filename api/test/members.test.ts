import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { CLAIM_NEXT, seedPendingCases } from './support/review';
import { errorCode, TestServer } from './support/server';
import { graphql } from '../../schema/graphql';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server?.stop());

describe('inviting members', () => {
  it('reading invitations of one’s own organization without a managing role is FORBIDDEN with reason ROLE_REQUIRED, as every role refusal', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const operator = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const callers = [
      { role: 'EDITOR', token: (await server.addMember(owner.organizationId, Role.EDITOR)).token, organizationId: owner.organizationId },
      { role: 'VIEWER', token: (await server.addMember(owner.organizationId, Role.VIEWER)).token, organizationId: owner.organizationId },
      { role: 'LEAD', token: (await server.addMember(operator.organizationId, Role.LEAD)).token, organizationId: operator.organizationId },
      { role: 'REVIEWER', token: (await server.addMember(operator.organizationId, Role.REVIEWER)).token, organizationId: operator.organizationId },
    ];
    for (const caller of callers) {
      const res = await server.gql(graphql('query($id: ID!) { invitations(organizationId: $id) { email } }'), { id: caller.organizationId }, { token: caller.token });
      expect(res.errors?.[0]?.extensions, caller.role).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
      expect(res.errors?.[0]?.message, caller.role).toMatch(/^This needs one of: [A-Z]+:[A-Z_]+/);
    }
  });

  it('an owner invites a newcomer, who accepts with the one-time token, signs in and sees the studio', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const email = `newcomer-${Date.now()}@example.com`;
    const invited = await server.gql(
      INVITE,
      { input: { organizationId: owner.organizationId, email, role: 'EDITOR' } },
      { token: owner.token },
    );
    const { invitation, invitationToken } = invited.data!.inviteMember;
    expect(invitation!.role).toBe('EDITOR');
    expect(invitationToken).toMatch(/^gli_/);

    const pending = await server.gql(graphql('query($id: ID!) { invitations(organizationId: $id) { email } }'), { id: owner.organizationId }, { token: owner.token });
    expect(pending.data?.invitations).toEqual([{ email }]);

    const accepted = await server.gql(ACCEPT, { input: { token: invitationToken!, name: 'New Editor', password: 'a strong password' } });
    expect(accepted.data?.acceptInvitation.email).toBe(email);
    const again = await server.gql(ACCEPT, { input: { token: invitationToken!, name: 'Replay', password: 'a strong password' } });
    expect(errorCode(again)).toBe('NOT_FOUND');

    const token = await server.signIn(email, 'a strong password');
    const viewer = await server.gql(
      graphql('{ viewer { memberships { role organization { id } } } }'),
      {},
      { token },
    );
    expect(viewer.data?.viewer.memberships).toEqual([{ role: 'EDITOR', organization: { id: owner.organizationId } }]);
  });

  it('someone who already has an account is invited, not added: they join only when they accept with joinOrganization', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const other = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const res = await server.gql(
      INVITE,
      { input: { organizationId: owner.organizationId, email: other.email, role: 'VIEWER' } },
      { token: owner.token },
    );
    expect(res.data?.inviteMember).toMatchObject({ membership: null, invitation: { role: 'VIEWER' }, invitationToken: expect.stringMatching(/^gli_/) });
    expect((await membershipsOf(owner.organizationId, owner.token)).map((m) => m.user.email)).not.toContain(other.email);

    // Only the invited account accepts: the owner holding the token cannot use it for themselves.
    const invitationToken = res.data!.inviteMember.invitationToken!;
    const wrong = await server.gql(JOIN, { token: invitationToken }, { token: owner.token });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INVITATION_FOR_OTHER_ACCOUNT' });
    const joined = await server.gql(JOIN, { token: invitationToken }, { token: other.token });
    expect(joined.data?.joinOrganization).toEqual({ role: 'VIEWER', user: { email: other.email } });
    expect(errorCode(await server.gql(JOIN, { token: invitationToken }, { token: other.token }))).toBe('NOT_FOUND');

    const dup = await server.gql(INVITE, { input: { organizationId: owner.organizationId, email: other.email, role: 'VIEWER' } }, { token: owner.token });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_A_MEMBER', field: 'input.email' });
  });

  it('operator staff cannot be invited into a studio (reason OPERATOR_STAFF_IN_STUDIO), nothing is written, and they still review its cases', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const lead = await server.addMember(admin.organizationId, Role.LEAD);
    const reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
    await seedPendingCases(server, owner.organizationId, 1);
    for (const staff of [lead, reviewer, admin]) {
      const before = [await server.count('invitation'), await server.count('membership')];
      const res = await server.gql(INVITE, { input: { organizationId: owner.organizationId, email: staff.email, role: 'VIEWER' } }, { token: owner.token });
      expect(res.errors?.[0]?.extensions, staff.email).toMatchObject({ code: 'CONFLICT', reason: 'OPERATOR_STAFF_IN_STUDIO', field: 'input.email' });
      expect([await server.count('invitation'), await server.count('membership')], staff.email).toEqual(before);
    }
    const claimed = await server.gql(CLAIM_NEXT, { f: { studioId: owner.organizationId } }, { token: lead.token });
    expect(claimed.data?.claimNextCase?.id).toEqual(expect.any(String));
  });

  it('an invitation accepted after its account joined the operator’s staff is refused with OPERATOR_STAFF_IN_STUDIO', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
    const someone = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const invited = await server.gql(INVITE, { input: { organizationId: owner.organizationId, email: someone.email, role: 'EDITOR' } }, { token: owner.token });
    await server.orm.em.getConnection().execute(`insert into membership (id, user_id, organization_id, role, created_at) values (gen_random_uuid(), ?, ?, 'REVIEWER', now())`, [someone.userId, admin.organizationId]);
    const token = await server.signIn(someone.email);
    const before = await server.count('membership');
    const res = await server.gql(JOIN, { token: invited.data!.inviteMember.invitationToken! }, { token });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'OPERATOR_STAFF_IN_STUDIO' });
    expect(await server.count('membership')).toBe(before);
  });

  it('a role from another kind of organization is refused, naming the field, and nothing is written', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const before = [await server.count('invitation'), await server.count('membership')];
    const res = await server.gql(INVITE, { input: { organizationId: owner.organizationId, email: 'r@example.com', role: 'REVIEWER' } }, { token: owner.token });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions.field).toBe('input.role');
    expect(res.errors![0]!.message).toMatch(/OWNER, EDITOR, VIEWER/);
    expect([await server.count('invitation'), await server.count('membership')]).toEqual(before);
  });

  it('a weak password on acceptance is refused with the field named', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const invited = await server.gql(INVITE, { input: { organizationId: owner.organizationId, email: `weak-${Date.now()}@example.com`, role: 'VIEWER' } }, { token: owner.token });
    const res = await server.gql(ACCEPT, { input: { token: invited.data!.inviteMember.invitationToken!, name: 'W', password: 'short' } });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions.field).toBe('input.password');
  });
});

describe('changing and removing members', () => {
  it('the last owner cannot be removed or demoted; with a second owner both work and are audited', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const mine = await membershipsOf(owner.organizationId, owner.token);
    const ownId = mine.find((m) => m.user.email === owner.email)!.id;
    expect(errorCode(await server.gql(REMOVE, { id: ownId }, { token: owner.token }))).toBe('CONFLICT');
    expect(errorCode(await server.gql(CHANGE_ROLE, { input: { membershipId: ownId, role: 'EDITOR' } }, { token: owner.token }))).toBe('CONFLICT');

    const second = await server.addMember(owner.organizationId, Role.EDITOR);
    const secondId = (await membershipsOf(owner.organizationId, owner.token)).find((m) => m.user.email === second.email)!.id;
    const promoted = await server.gql(CHANGE_ROLE, { input: { membershipId: secondId, role: 'OWNER' } }, { token: owner.token });
    expect(promoted.data?.changeMemberRole.role).toBe('OWNER');
    expect((await server.gql(REMOVE, { id: ownId }, { token: second.token })).data?.removeMember).toBe(true);

    const audit = await server.gql(
      graphql('query($id: ID) { auditEvents(organizationId: $id) { nodes { action actorLabel summary } } }'),
      { id: owner.organizationId },
      { token: second.token },
    );
    const actions = audit.data!.auditEvents.nodes.map((n) => n.action);
    expect(actions.slice(0, 2)).toEqual(['membership.remove', 'membership.change_role']);
    expect(audit.data!.auditEvents.nodes[1]!.summary).toMatchObject({ before: { role: 'EDITOR' }, after: { role: 'OWNER' } });
    expect(audit.data!.auditEvents.nodes[0]!.actorLabel).toBe(second.email);
  });
});

async function membershipsOf(organizationId: string, token: string) {
  const res = await server.gql(
    graphql('query($id: ID!) { members(organizationId: $id) { id role user { email } } }'),
    { id: organizationId },
    { token },
  );
  return res.data!.members;
}

const INVITE = graphql(`
  mutation($input: InviteMemberInput!) {
    inviteMember(input: $input) { membership { role user { email } } invitation { id role } invitationToken }
  }
`);
const ACCEPT = graphql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { email } }`);
const REMOVE = graphql(`mutation($id: ID!) { removeMember(membershipId: $id) }`);
const JOIN = graphql(`mutation($token: String!) { joinOrganization(token: $token) { role user { email } } }`);
const CHANGE_ROLE = graphql(`mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { role } }`);
