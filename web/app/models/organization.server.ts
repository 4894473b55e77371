import { graphql } from '~/graphql';
import { gql, type ApiResult } from './graphql.server';
import { OrganizationFields, type Organization, type OrganizationKind } from './roles';

const ORGANIZATIONS = graphql(`query Organizations { organizations { ...OrganizationFields } }`, [OrganizationFields]);
const CREATE_ORGANIZATION = graphql(
  `mutation CreateOrganization($input: CreateOrganizationInput!) { createOrganization(input: $input) { ...OrganizationFields } }`,
  [OrganizationFields],
);
const ORGANIZATION = graphql(`query Organization($id: ID!) { organization(id: $id) { ...OrganizationFields } }`, [OrganizationFields]);
const SET_ORGANIZATION_SUSPENDED = graphql(
  `mutation SetOrganizationSuspended($id: ID!, $suspended: Boolean!, $reason: String) {
    setOrganizationSuspended(id: $id, suspended: $suspended, reason: $reason) { ...OrganizationFields }
  }`,
  [OrganizationFields],
);

/** The user's organizations; operator admins see every organization. */
export async function listOrganizations(request: Request): Promise<ApiResult<Organization[]>> {
  const result = await gql(request, ORGANIZATIONS, {});
  return result.ok ? { ok: true, data: result.data.organizations } : result;
}

export async function createOrganization(request: Request, input: { name: string; kind: OrganizationKind }): Promise<ApiResult<Organization>> {
  const result = await gql(request, CREATE_ORGANIZATION, { input });
  return result.ok ? { ok: true, data: result.data.createOrganization } : result;
}

export async function getOrganization(request: Request, id: string): Promise<ApiResult<Organization>> {
  const result = await gql(request, ORGANIZATION, { id });
  return result.ok ? { ok: true, data: result.data.organization } : result;
}

/** Suspends (with a reason) or reinstates a studio or partner; partners stop seeing its catalog, or a partner its feed. */
export async function setOrganizationSuspended(request: Request, input: { id: string; suspended: boolean; reason: string | null }): Promise<ApiResult<Organization>> {
  const result = await gql(request, SET_ORGANIZATION_SUSPENDED, input);
  return result.ok ? { ok: true, data: result.data.setOrganizationSuspended } : result;
}
