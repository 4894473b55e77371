import { ApiKeyFields, type ApiKey } from '~/components/api-key-panel';
import { graphql } from '~/graphql';
import { gql, type ApiResult } from './graphql.server';
import { failed, formString, rejected, succeeded } from './forms.server';

const API_KEYS = graphql(
  `query ApiKeys($organizationId: ID!) { apiKeys(organizationId: $organizationId) { ...ApiKeyFields } }`,
  [ApiKeyFields],
);
const CREATE_API_KEY = graphql(
  `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ...ApiKeyFields } } }`,
  [ApiKeyFields],
);
const REVOKE_API_KEY = graphql(`mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ...ApiKeyFields } }`, [ApiKeyFields]);

/** A partner organization's keys, newest first. */
export async function listApiKeys(request: Request, organizationId: string): Promise<ApiResult<ApiKey[]>> {
  const result = await gql(request, API_KEYS, { organizationId });
  return result.ok ? { ok: true, data: result.data.apiKeys } : result;
}

export async function createApiKey(
  request: Request,
  input: { organizationId: string; name: string },
): Promise<ApiResult<{ apiKey: ApiKey; secret: string }>> {
  const result = await gql(request, CREATE_API_KEY, { input });
  if (!result.ok) return result;
  const { secret, apiKey } = result.data.createApiKey;
  return { ok: true, data: { secret, apiKey } };
}

export async function revokeApiKey(request: Request, id: string): Promise<ApiResult<ApiKey>> {
  const result = await gql(request, REVOKE_API_KEY, { id });
  return result.ok ? { ok: true, data: result.data.revokeApiKey } : result;
}

/**
 * Handles the create and revoke forms of the API key panel. The outcome's `target` is the
 * organization, so a page with several partners shows it beside the right panel.
 */
export async function handleApiKeyForm(request: Request, form: FormData) {
  const intent = formString(form, 'intent');
  const organizationId = formString(form, 'organizationId');
  if (intent === 'createApiKey') {
    const name = formString(form, 'name');
    if (!name) return rejected({ intent, target: organizationId, fieldErrors: { name: 'Give the key a name, e.g. "production sync".' } });
    const result = await createApiKey(request, { organizationId, name });
    if (!result.ok) return failed(request, result.error, { intent, target: organizationId, fields: ['name'] });
    return succeeded({
      intent,
      target: organizationId,
      notice: `API key "${result.data.apiKey.name}" created.`,
      secret: result.data.secret,
    });
  }
  const result = await revokeApiKey(request, formString(form, 'apiKeyId'));
  if (!result.ok) return failed(request, result.error, { intent, target: organizationId });
  return succeeded({
    intent,
    target: organizationId,
    notice: `API key "${result.data.name}" (${result.data.prefix}…) revoked. Calls with it are now refused.`,
  });
}
