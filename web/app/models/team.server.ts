import { graphql, type ResultOf } from '~/graphql';
import { gql, type ApiResult } from './graphql.server';
import type { Role } from './roles';

const MemberFields = graphql(`fragment MemberFields on Membership { id role createdAt user { id name email } }`);
const InvitationFields = graphql(`fragment InvitationFields on Invitation { id email role createdAt expiresAt }`);
export type Member = ResultOf<typeof MemberFields>;
export type PendingInvitation = ResultOf<typeof InvitationFields>;

const MEMBERS = graphql(`query Members($organizationId: ID!) { members(organizationId: $organizationId) { ...MemberFields } }`, [MemberFields]);
const INVITATIONS = graphql(
  `query Invitations($organizationId: ID!) { invitations(organizationId: $organizationId) { ...InvitationFields } }`,
  [InvitationFields],
);
const INVITE_MEMBER = graphql(
  `mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      invitation { ...InvitationFields }
      invitationToken
    }
  }`,
  [InvitationFields],
);
const CHANGE_MEMBER_ROLE = graphql(
  `mutation ChangeMemberRole($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { ...MemberFields } }`,
  [MemberFields],
);
const REMOVE_MEMBER = graphql(`mutation RemoveMember($membershipId: ID!) { removeMember(membershipId: $membershipId) }`);
const JOIN_ORGANIZATION = graphql(`mutation JoinOrganization($token: String!) { joinOrganization(token: $token) { id role organization { name } } }`);
const ACCEPT_INVITATION = graphql(`mutation AcceptInvitation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { email } }`);

export async function listMembers(request: Request, organizationId: string): Promise<ApiResult<Member[]>> {
  const result = await gql(request, MEMBERS, { organizationId });
  return result.ok ? { ok: true, data: result.data.members } : result;
}

export async function listInvitations(request: Request, organizationId: string): Promise<ApiResult<PendingInvitation[]>> {
  const result = await gql(request, INVITATIONS, { organizationId });
  return result.ok ? { ok: true, data: result.data.invitations } : result;
}

/** Everyone invited gets a one-time `invitationToken`: nobody joins without accepting it. */
export type InviteOutcome = { invitation: PendingInvitation; invitationToken: string };

export async function inviteMember(
  request: Request,
  input: { organizationId: string; email: string; role: Role },
): Promise<ApiResult<InviteOutcome>> {
  const result = await gql(request, INVITE_MEMBER, { input });
  if (!result.ok) return result;
  const { invitation, invitationToken } = result.data.inviteMember;
  if (invitation && invitationToken) return { ok: true, data: { invitation, invitationToken } };
  return { ok: false, error: { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL_SERVER_ERROR', message: 'The API answered the invitation without a result.' } };
}

export async function changeMemberRole(request: Request, input: { membershipId: string; role: Role }): Promise<ApiResult<Member>> {
  const result = await gql(request, CHANGE_MEMBER_ROLE, { input });
  return result.ok ? { ok: true, data: result.data.changeMemberRole } : result;
}

export async function removeMember(request: Request, membershipId: string): Promise<ApiResult<true>> {
  const result = await gql(request, REMOVE_MEMBER, { membershipId });
  return result.ok ? { ok: true, data: true } : result;
}

/** Creates the invitee's account; they sign in afterwards. Needs no session. */
export async function acceptInvitation(
  request: Request,
  input: { token: string; name: string; password: string },
): Promise<ApiResult<{ email: string }>> {
  const result = await gql(request, ACCEPT_INVITATION, { input }, { token: null });
  return result.ok ? { ok: true, data: result.data.acceptInvitation } : result;
}

/** Accepts an invitation made for the signed-in person's own account: they join with its role. */
export async function joinOrganization(request: Request, token: string): Promise<ApiResult<{ organizationName: string; role: Role }>> {
  const result = await gql(request, JOIN_ORGANIZATION, { token });
  return result.ok ? { ok: true, data: { organizationName: result.data.joinOrganization.organization.name, role: result.data.joinOrganization.role } } : result;
}
