import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { CopyButton } from '~/components/copy-button';
import { FormAlert, Notice, SelectField, TextField, useResetWhenSaved } from '~/components/forms';
import { Time } from '~/components/time';
import { expectData } from '~/models/graphql.server';
import { DEFAULT_INVITE_ROLE, ROLES_BY_KIND, kindLabel, roleLabel } from '~/models/roles';
import { organizationToManage, requireSection } from '~/models/sections.server';
import { handleTeamForm } from '~/models/team-form.server';
import { listInvitations, listMembers } from '~/models/team.server';

export const meta: MetaFunction = () => [{ title: 'Team · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, membership } = await requireSection(request, 'team');
  const organization = await organizationToManage(request, membership);
  const [members, invitations] = await Promise.all([
    listMembers(request, organization.id).then((r) => expectData(request, r)),
    listInvitations(request, organization.id).then((r) => expectData(request, r)),
  ]);
  return { organization, roles: ROLES_BY_KIND[organization.kind], members, invitations, viewerId: viewer.user.id };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireSection(request, 'team');
  return handleTeamForm(request);
}

export default function TeamPage() {
  const { organization, roles, members, invitations, viewerId } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const inviting = navigation.formData?.get('intent') === 'invite';
  const roleOptions = roles.map((role) => ({ value: role, label: roleLabel(role) }));
  const memberOutcome = outcome && outcome.intent !== 'invite' ? outcome : undefined;
  const inviteOutcome = outcome?.intent === 'invite' ? outcome : undefined;
  const inviteForm = useResetWhenSaved(inviteOutcome?.notice ? inviteOutcome : undefined);
  // An answer about a member re-renders that member's role picker only, so a refused change shows the
  // role that still holds while a pick being made in another row stays as it is.
  const [answers, setAnswers] = useState<Record<string, number>>({});
  useEffect(() => {
    const target = memberOutcome?.target;
    if (target) setAnswers((counts) => ({ ...counts, [target]: (counts[target] ?? 0) + 1 }));
  }, [memberOutcome]);

  return (
    <>
      <header className="page-header">
        <h1>Team</h1>
        <p className="muted">
          People in {organization.name} ({kindLabel(organization.kind).toLowerCase()}) and what they may do.
        </p>
      </header>

      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <Notice>{memberOutcome?.notice}</Notice>
        <FormAlert fieldErrors={memberOutcome?.fieldErrors}>{memberOutcome?.formError}</FormAlert>
        <div className="table-scroll" role="group" aria-labelledby="members-heading" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.id}>
                  <td>
                    {member.user.name}
                    {member.user.id === viewerId ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td>{member.user.email}</td>
                  <td>
                    <Form method="post" className="row-form" key={`${member.id}-${member.role}-${answers[member.id] ?? 0}`}>
                      <input type="hidden" name="intent" value="changeRole" />
                      <input type="hidden" name="membershipId" value={member.id} />
                      <label className="visually-hidden" htmlFor={`role-${member.id}`}>
                        Role for {member.user.name}
                      </label>
                      <select id={`role-${member.id}`} name="role" defaultValue={member.role}>
                        {roleOptions.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className="button button-secondary button-small" aria-label={`Save role for ${member.user.name}`}>
                        Save
                      </button>
                    </Form>
                  </td>
                  <td>
                    <Time value={member.createdAt} />
                  </td>
                  <td className="actions">
                    <Form
                      method="post"
                      onSubmit={(event) => {
                        if (!window.confirm(`Remove ${member.user.name} from ${organization.name}?`)) event.preventDefault();
                      }}
                    >
                      <input type="hidden" name="intent" value="removeMember" />
                      <input type="hidden" name="membershipId" value={member.id} />
                      <input type="hidden" name="memberName" value={member.user.name} />
                      <button type="submit" className="button button-danger button-small" aria-label={`Remove ${member.user.name}`}>
                        Remove
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        <p className="muted">
          Everyone gets a one-time link: people who already have a Greenlight account sign in and join with it; anyone else creates their account.
        </p>
        <Notice>{inviteOutcome?.notice}</Notice>
        <FormAlert fieldErrors={inviteOutcome?.fieldErrors}>{inviteOutcome?.formError}</FormAlert>
        {inviteOutcome?.inviteLink ? (
          <section className="secret-box" aria-labelledby="invite-link-heading">
            <h3 id="invite-link-heading">Invitation link</h3>
            <p>
              <strong>Copy this link now and send it to the person you invited.</strong> It is shown only once and works
              once.
            </p>
            <div className="secret-value">
              <code>{inviteOutcome.inviteLink}</code>
              <CopyButton text={inviteOutcome.inviteLink} label="Copy link" />
            </div>
          </section>
        ) : null}
        <Form method="post" className="inline-form" {...inviteForm} noValidate>
          <input type="hidden" name="intent" value="invite" />
          <input type="hidden" name="organizationId" value={organization.id} />
          <TextField label="Email" name="email" type="email" required autoComplete="off" error={inviteOutcome?.fieldErrors?.email} />
          <SelectField label="Role" name="role" options={roleOptions} defaultValue={DEFAULT_INVITE_ROLE[organization.kind]} error={inviteOutcome?.fieldErrors?.role} />
          <button type="submit" className="button" disabled={inviting}>
            {inviting ? 'Inviting…' : 'Invite'}
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">Pending invitations</h2>
        {invitations.length === 0 ? (
          <p className="muted">No invitations waiting to be accepted.</p>
        ) : (
          <div className="table-scroll" role="group" aria-labelledby="invitations-heading" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Invited</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{roleLabel(invitation.role)}</td>
                    <td>
                      <Time value={invitation.createdAt} />
                    </td>
                    <td>
                      <Time value={invitation.expiresAt} withTime />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
