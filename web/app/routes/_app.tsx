import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, Link, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { kindLabel, roleLabel } from '~/models/roles';
import { requireCurrentOrganization, sectionsFor } from '~/models/sections.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, membership, setCookie } = await requireCurrentOrganization(request);
  if (setCookie) {
    // `?org=` has done its job once remembered; drop it from the address.
    const url = new URL(request.url);
    url.searchParams.delete('org');
    throw redirect(url.pathname + url.search, { headers: { 'Set-Cookie': setCookie } });
  }
  return {
    user: viewer.user,
    current: membership
      ? { organization: membership.organization, role: membership.role }
      : undefined,
    organizations: viewer.memberships.map((m) => ({ id: m.organization.id, name: m.organization.name, kind: m.organization.kind, role: m.role })),
    sections: sectionsFor(membership),
  };
}

export default function Shell() {
  const { user, current, organizations, sections } = useLoaderData<typeof loader>();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <div className="shell-bar">
          <Link to="/" className="brand-mark">
            <span className="brand-dot" aria-hidden="true" /> Greenlight
          </Link>
          <div className="shell-context">
            {current && organizations.length > 1 ? (
              <Form method="get" action="/" className="org-switcher">
                <label htmlFor="org-switcher" className="visually-hidden">
                  Current organization
                </label>
                <select
                  id="org-switcher"
                  name="org"
                  defaultValue={current.organization.id}
                  onChange={(event) => event.currentTarget.form?.requestSubmit()}
                >
                  {organizations.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
                <noscript>
                  <button type="submit" className="button button-secondary button-small">
                    Switch
                  </button>
                </noscript>
              </Form>
            ) : current ? (
              <p className="current-org">
                <span className="visually-hidden">Current organization: </span>
                <strong>{current.organization.name}</strong>
              </p>
            ) : null}
            {current ? (
              <span className="muted current-role">
                {kindLabel(current.organization.kind)} · {roleLabel(current.role)}
              </span>
            ) : null}
          </div>
          <div className="shell-account">
            <p className="account-name">
              <span>{user.name}</span>
              <span className="muted">{user.email}</span>
            </p>
            <Form method="post" action="/logout">
              <button type="submit" className="button button-secondary button-small">
                Sign out
              </button>
            </Form>
          </div>
        </div>
        {sections.length ? (
          <nav className="shell-nav" aria-label="Sections">
            <ul>
              {sections.map((section) => (
                <li key={section.id}>
                  {/* "/admin" is not current on "/admin/partners", which is its own section. */}
                  <NavLink to={section.path} prefetch="intent" end={sections.some((other) => other.path.startsWith(`${section.path}/`))}>
                    {section.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
