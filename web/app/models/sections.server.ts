import { data, redirect } from '@remix-run/node';
import { requireViewer, type Viewer, type ViewerMembership } from './auth.server';
import { expectData, type PageError } from './graphql.server';
import { getOrganization } from './organization.server';
import type { Organization } from './roles';
import { readSelectedOrganization, selectOrganization } from './session.server';

export type SectionId = 'catalog' | 'review' | 'admin' | 'admin-partners' | 'admin-review' | 'api-access' | 'team';

export interface Section {
  id: SectionId;
  label: string;
  path: string;
}

/** The dashboard's sections and who may open them, judged by what the API says the current membership may do. */
const SECTIONS: ReadonlyArray<Section & { allows: (membership: ViewerMembership) => boolean }> = [
  // The section is the studio's own catalog; operator staff read studios' catalogs through their cases.
  { id: 'catalog', label: 'Catalog', path: '/catalog', allows: (m) => m.organization.kind === 'STUDIO' && m.can.readCatalog },
  { id: 'review', label: 'Review queue', path: '/review', allows: (m) => m.can.review },
  // Operator administration, one page each: organizations (with the audit log), partners, review settings.
  { id: 'admin', label: 'Organizations', path: '/admin', allows: (m) => m.can.administer },
  { id: 'admin-partners', label: 'Partners', path: '/admin/partners', allows: (m) => m.can.administer },
  { id: 'admin-review', label: 'Review settings', path: '/admin/review', allows: (m) => m.can.administer },
  { id: 'api-access', label: 'API access', path: '/api-access', allows: (m) => m.organization.kind === 'PARTNER' && m.can.managePartners },
  { id: 'team', label: 'Team', path: '/team', allows: (m) => m.can.manageTeam },
];

export function sectionsFor(membership: ViewerMembership | undefined): Section[] {
  if (!membership) return [];
  return SECTIONS.filter((s) => s.allows(membership)).map(({ id, label, path }) => ({ id, label, path }));
}

export interface CurrentOrganization {
  viewer: Viewer;
  /** The membership the user is working in; undefined when they belong to no organization. */
  membership: ViewerMembership | undefined;
  /** Set when `?org=` chose a different organization, to remember the choice. */
  setCookie?: string;
}

/** `?org=<id>` first, then the remembered choice, then the oldest membership. */
export async function resolveCurrentOrganization(request: Request, viewer: Viewer): Promise<CurrentOrganization> {
  const asked = new URL(request.url).searchParams.get('org');
  const byId = (id: string | null | undefined) => (id ? viewer.memberships.find((m) => m.organization.id === id) : undefined);
  const chosen = byId(asked);
  if (chosen) return { viewer, membership: chosen, setCookie: await selectOrganization(chosen.organization.id) };
  return { viewer, membership: byId(await readSelectedOrganization(request)) ?? viewer.memberships[0] };
}

export async function requireCurrentOrganization(request: Request): Promise<CurrentOrganization> {
  return resolveCurrentOrganization(request, await requireViewer(request));
}

/**
 * The viewer and the membership that opens `sectionId`. When the current organization does not
 * grant it but another of the user's organizations does, switch to that one; otherwise 403.
 */
export async function requireSection(request: Request, sectionId: SectionId): Promise<{ viewer: Viewer; membership: ViewerMembership }> {
  const { viewer, membership } = await requireCurrentOrganization(request);
  const section = SECTIONS.find((s) => s.id === sectionId)!;
  if (membership && section.allows(membership)) return { viewer, membership };
  const other = viewer.memberships.find((m) => section.allows(m));
  if (other) throw redirect(`${section.path}?org=${encodeURIComponent(other.organization.id)}`);
  const where = membership ? ` in ${membership.organization.name}` : '';
  throw data<PageError>({ message: `${section.label} is not part of your role${where}.` }, { status: 403 });
}

/**
 * The organization whose members the Team page manages: the current one, or for operator admins
 * any organization named by `?organization=` (how a new organization gets its first members).
 */
export async function organizationToManage(request: Request, membership: ViewerMembership): Promise<Organization> {
  const asked = new URL(request.url).searchParams.get('organization');
  if (!asked || !membership.can.administer || asked === membership.organization.id) return membership.organization;
  return expectData(request, await getOrganization(request, asked));
}
