import { failed, formString, rejected, succeeded } from './forms.server';
import { createOrganization, setOrganizationSuspended } from './organization.server';
import { isOrganizationKind, kindLabel } from './roles';

/** Handles the Organizations page's forms: create, suspend or reinstate an organization. */
export async function handleAdminForm(request: Request) {
  const form = await request.formData();
  const intent = formString(form, 'intent');

  if (intent === 'createOrganization') {
    const name = formString(form, 'name');
    const kind = formString(form, 'kind');
    if (!name) return rejected({ intent, fieldErrors: { name: 'Enter the organization’s name.' } });
    if (!isOrganizationKind(kind)) return rejected({ intent, fieldErrors: { kind: 'Choose what kind of organization it is.' } });
    const result = await createOrganization(request, { name, kind });
    if (!result.ok) return failed(request, result.error, { intent, fields: ['name', 'kind'] });
    return succeeded({
      intent,
      notice: `${kindLabel(result.data.kind)} organization "${result.data.name}" created. Invite its first members with “Manage members”.`,
    });
  }

  if (intent === 'suspendOrganization' || intent === 'reinstateOrganization') {
    const id = formString(form, 'organizationId');
    const suspended = intent === 'suspendOrganization';
    const reason = suspended ? formString(form, 'reason') : null;
    if (suspended && !reason) return rejected({ intent, target: id, fieldErrors: { reason: 'Say why the organization is suspended.' } });
    const result = await setOrganizationSuspended(request, { id, suspended, reason });
    if (!result.ok) return failed(request, result.error, { intent, target: id, fields: ['reason'] });
    return succeeded({
      intent,
      target: id,
      notice: suspended
        ? `${result.data.name} is suspended: partners no longer see what it publishes or receives.`
        : `${result.data.name} is reinstated: what the publish gate allows is live again.`,
    });
  }

  return rejected({ intent, formError: 'That action is not known. Reload the page and try again.' });
}
