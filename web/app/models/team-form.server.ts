import { env } from './env.server';
import { failed, formString, rejected, succeeded } from './forms.server';
import { roleLabel, type Role } from './roles';
import { changeMemberRole, inviteMember, removeMember } from './team.server';

const ROLES: readonly string[] = ['OWNER', 'EDITOR', 'VIEWER', 'REVIEWER', 'LEAD', 'ADMIN', 'PARTNER_ADMIN'];
const isRole = (value: string): value is Role => ROLES.includes(value);

/** Invitation links must open the dashboard the invitee can reach, not an internal address. */
function publicOrigin(request: Request): string {
  return env.publicWebUrl ?? new URL(request.url).origin;
}

/** Handles the Team page's forms: invite, change a role, remove a member. */
export async function handleTeamForm(request: Request) {
  const form = await request.formData();
  const intent = formString(form, 'intent');

  if (intent === 'invite') {
    const email = formString(form, 'email');
    const role = formString(form, 'role');
    if (!email) return rejected({ intent, fieldErrors: { email: 'Enter the email address to invite.' } });
    if (!isRole(role)) return rejected({ intent, fieldErrors: { role: 'Choose a role.' } });
    const result = await inviteMember(request, { organizationId: formString(form, 'organizationId'), email, role });
    if (!result.ok) return failed(request, result.error, { intent, fields: ['email', 'role'] });
    const { invitation, invitationToken } = result.data;
    return succeeded({
      intent,
      notice: `Invitation created for ${invitation.email} as ${roleLabel(invitation.role)}.`,
      inviteLink: `${publicOrigin(request)}/invite/${encodeURIComponent(invitationToken)}`,
    });
  }

  const membershipId = formString(form, 'membershipId');
  const memberName = formString(form, 'memberName') || 'The member';

  if (intent === 'changeRole') {
    const role = formString(form, 'role');
    if (!isRole(role)) return rejected({ intent, target: membershipId, formError: 'Choose a role.' });
    const result = await changeMemberRole(request, { membershipId, role });
    if (!result.ok) return failed(request, result.error, { intent, target: membershipId });
    return succeeded({ intent, target: membershipId, notice: `${result.data.user.name} is now ${roleLabel(result.data.role)}.` });
  }

  if (intent === 'removeMember') {
    const result = await removeMember(request, membershipId);
    if (!result.ok) return failed(request, result.error, { intent, target: membershipId });
    return succeeded({ intent, target: membershipId, notice: `${memberName} was removed from the organization.` });
  }

  return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
}
