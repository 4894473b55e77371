import { gql, type ApiResult } from './graphql.server';
import type { Organization, OrganizationKind } from './roles';

const ORGANIZATION_FIELDS = 'id name kind createdAt suspendedAt suspendedReason suspendable';

/** The user's organizations; operator admins see every organization. */
export async function listOrganizations(request: Request): Promise<ApiResult<Organization[]>> {
  const result = await gql<{ organizations: Organization[] }>(request, `query Organizations { organizations { ${ORGANIZATION_FIELDS} } }`);
  return result.ok ? { ok: true, data: result.data.organizations } : result;
}

export async function createOrganization(request: Request, input: { name: string; kind: OrganizationKind }): Promise<ApiResult<Organization>> {
  const result = await gql<{ createOrganization: Organization }>(
    request,
    `mutation CreateOrganization($input: CreateOrganizationInput!) { createOrganization(input: $input) { ${ORGANIZATION_FIELDS} } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.createOrganization } : result;
}

export async function getOrganization(request: Request, id: string): Promise<ApiResult<Organization>> {
  const result = await gql<{ organization: Organization }>(
    request,
    `query Organization($id: ID!) { organization(id: $id) { ${ORGANIZATION_FIELDS} } }`,
    { id },
  );
  return result.ok ? { ok: true, data: result.data.organization } : result;
}

/** Suspends (with a reason) or reinstates a studio or partner; partners stop seeing its catalog, or a partner its feed. */
export async function setOrganizationSuspended(request: Request, input: { id: string; suspended: boolean; reason: string | null }): Promise<ApiResult<Organization>> {
  const result = await gql<{ setOrganizationSuspended: Organization }>(
    request,
    `mutation SetOrganizationSuspended($id: ID!, $suspended: Boolean!, $reason: String) { setOrganizationSuspended(id: $id, suspended: $suspended, reason: $reason) { ${ORGANIZATION_FIELDS} } }`,
    input,
  );
  return result.ok ? { ok: true, data: result.data.setOrganizationSuspended } : result;
}
