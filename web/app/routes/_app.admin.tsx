import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuditLog } from '~/components/audit-log';
import { FormAlert, Notice, SelectField, TextField, useResetWhenSaved } from '~/components/forms';
import { Time } from '~/components/time';
import { handleAdminForm } from '~/models/admin-form.server';
import { listAuditEvents } from '~/models/audit.server';
import { expectData } from '~/models/graphql.server';
import { listOrganizations } from '~/models/organization.server';
import { ORGANIZATION_KINDS, kindLabel } from '~/models/roles';
import { requireSection } from '~/models/sections.server';

export const meta: MetaFunction = () => [{ title: 'Organizations · Admin · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSection(request, 'admin');
  const [organizations, audit] = await Promise.all([
    listOrganizations(request).then((r) => expectData(request, r)),
    listAuditEvents(request).then((r) => expectData(request, r)),
  ]);
  return { organizations, audit };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireSection(request, 'admin');
  return handleAdminForm(request);
}

export default function AdminPage() {
  const { organizations, audit } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const creating = navigation.formData?.get('intent') === 'createOrganization';
  const organizationOutcome = outcome?.intent === 'createOrganization' ? outcome : undefined;
  const organizationForm = useResetWhenSaved(organizationOutcome?.notice ? organizationOutcome : undefined);
  const organizationNames = Object.fromEntries(organizations.map((o) => [o.id, o.name]));
  const suspensionOutcome = outcome?.intent === 'suspendOrganization' || outcome?.intent === 'reinstateOrganization' ? outcome : undefined;
  const pendingSuspension = navigation.formData?.get('organizationId');

  return (
    <>
      <header className="page-header">
        <h1>Organizations</h1>
        <p className="muted">
          Studios, partners and the operator, and the audit log. Partner settings, API keys and webhooks are under <Link to="/admin/partners">Partners</Link>; auto-approve and
          policy packs under <Link to="/admin/review">Review settings</Link>.
        </p>
        <nav aria-label="On this page" className="page-toc">
          <a href="#organizations-heading">Organizations</a>
          <a href="#audit-heading">Audit log</a>
        </nav>
      </header>

      <section className="panel" aria-labelledby="organizations-heading">
        <h2 id="organizations-heading">Organizations</h2>
        <Notice>{organizationOutcome?.notice ?? suspensionOutcome?.notice}</Notice>
        <FormAlert fieldErrors={organizationOutcome?.fieldErrors}>{organizationOutcome?.formError ?? suspensionOutcome?.formError}</FormAlert>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {organizations.map((organization) => (
                <tr key={organization.id}>
                  <td>{organization.name}</td>
                  <td>{kindLabel(organization.kind)}</td>
                  <td>
                    <Time value={organization.createdAt} />
                  </td>
                  <td>
                    {organization.suspendedAt ? (
                      <>
                        <span className="badge badge-danger">Suspended</span> <span className="small">{organization.suspendedReason}</span>
                      </>
                    ) : (
                      <span className="badge badge-success">Active</span>
                    )}
                  </td>
                  <td className="actions">
                    <Link to={`/team?organization=${encodeURIComponent(organization.id)}`} aria-label={`Manage members of ${organization.name}`}>
                      Manage members
                    </Link>
                    {organization.suspendable ? (
                      <Form method="post" className="inline-form" aria-label={`${organization.suspendedAt ? 'Reinstate' : 'Suspend'} ${organization.name}`}>
                        <input type="hidden" name="organizationId" value={organization.id} />
                        {organization.suspendedAt ? (
                          <button type="submit" name="intent" value="reinstateOrganization" className="button button-secondary" disabled={pendingSuspension === organization.id}>
                            Reinstate
                          </button>
                        ) : (
                          <>
                            <TextField
                              label={`Reason to suspend ${organization.name}`}
                              name="reason"
                              maxLength={500}
                              error={suspensionOutcome?.target === organization.id ? suspensionOutcome.fieldErrors?.reason : undefined}
                            />
                            <button type="submit" name="intent" value="suspendOrganization" className="button button-danger" disabled={pendingSuspension === organization.id}>
                              Suspend
                            </button>
                          </>
                        )}
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>Create an organization</h3>
        <Form method="post" className="inline-form" {...organizationForm} noValidate>
          <input type="hidden" name="intent" value="createOrganization" />
          <TextField label="Name" name="name" required maxLength={200} error={organizationOutcome?.fieldErrors?.name} />
          <SelectField
            label="Kind"
            name="kind"
            defaultValue="STUDIO"
            options={ORGANIZATION_KINDS.map((kind) => ({ value: kind, label: kindLabel(kind) }))}
            error={organizationOutcome?.fieldErrors?.kind}
          />
          <button type="submit" className="button" disabled={creating}>
            {creating ? 'Creating…' : 'Create organization'}
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit log</h2>
        <p className="muted">Every change and security event, newest first.</p>
        <AuditLog firstPage={audit} organizationNames={organizationNames} />
      </section>
    </>
  );
}
