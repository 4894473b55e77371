import { gql, type ApiResult } from './graphql.server';
import type { Role } from './roles';

export interface Member {
  id: string;
  role: Role;
  createdAt: string;
  user: { id: string; name: string; email: string };
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

const MEMBER_FIELDS = 'id role createdAt user { id name email }';

export async function listMembers(request: Request, organizationId: string): Promise<ApiResult<Member[]>> {
  const result = await gql<{ members: Member[] }>(
    request,
    `query Members($organizationId: ID!) { members(organizationId: $organizationId) { ${MEMBER_FIELDS} } }`,
    { organizationId },
  );
  return result.ok ? { ok: true, data: result.data.members } : result;
}

export async function listInvitations(request: Request, organizationId: string): Promise<ApiResult<PendingInvitation[]>> {
  const result = await gql<{ invitations: PendingInvitation[] }>(
    request,
    `query Invitations($organizationId: ID!) { invitations(organizationId: $organizationId) { id email role createdAt expiresAt } }`,
    { organizationId },
  );
  return result.ok ? { ok: true, data: result.data.invitations } : result;
}

/** Someone with an account joins at once (`member`); anyone else gets a one-time `invitationToken`. */
export type InviteOutcome = { member: Member } | { invitation: PendingInvitation; invitationToken: string };

export async function inviteMember(
  request: Request,
  input: { organizationId: string; email: string; role: Role },
): Promise<ApiResult<InviteOutcome>> {
  const result = await gql<{
    inviteMember: { membership: Member | null; invitation: PendingInvitation | null; invitationToken: string | null };
  }>(
    request,
    `mutation InviteMember($input: InviteMemberInput!) {
      inviteMember(input: $input) {
        membership { ${MEMBER_FIELDS} }
        invitation { id email role createdAt expiresAt }
        invitationToken
      }
    }`,
    { input },
  );
  if (!result.ok) return result;
  const { membership, invitation, invitationToken } = result.data.inviteMember;
  if (membership) return { ok: true, data: { member: membership } };
  if (invitation && invitationToken) return { ok: true, data: { invitation, invitationToken } };
  return { ok: false, error: { code: 'INTERNAL_SERVER_ERROR', message: 'The API answered the invitation without a result.' } };
}

export async function changeMemberRole(request: Request, input: { membershipId: string; role: Role }): Promise<ApiResult<Member>> {
  const result = await gql<{ changeMemberRole: Member }>(
    request,
    `mutation ChangeMemberRole($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { ${MEMBER_FIELDS} } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.changeMemberRole } : result;
}

export async function removeMember(request: Request, membershipId: string): Promise<ApiResult<true>> {
  const result = await gql<{ removeMember: boolean }>(
    request,
    `mutation RemoveMember($membershipId: ID!) { removeMember(membershipId: $membershipId) }`,
    { membershipId },
  );
  return result.ok ? { ok: true, data: true } : result;
}

/** Creates the invitee's account; they sign in afterwards. Needs no session. */
export async function acceptInvitation(
  request: Request,
  input: { token: string; name: string; password: string },
): Promise<ApiResult<{ email: string }>> {
  const result = await gql<{ acceptInvitation: { email: string } }>(
    request,
    `mutation AcceptInvitation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { email } }`,
    { input },
    { token: null },
  );
  return result.ok ? { ok: true, data: result.data.acceptInvitation } : result;
}
