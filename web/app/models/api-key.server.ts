import { gql, type ApiResult } from './graphql.server';
import { failed, formString, rejected, succeeded } from './forms.server';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const API_KEY_FIELDS = 'id name prefix createdAt lastUsedAt revokedAt';

/** A partner organization's keys, newest first. */
export async function listApiKeys(request: Request, organizationId: string): Promise<ApiResult<ApiKey[]>> {
  const result = await gql<{ apiKeys: ApiKey[] }>(
    request,
    `query ApiKeys($organizationId: ID!) { apiKeys(organizationId: $organizationId) { ${API_KEY_FIELDS} } }`,
    { organizationId },
  );
  return result.ok ? { ok: true, data: result.data.apiKeys } : result;
}

export async function createApiKey(
  request: Request,
  input: { organizationId: string; name: string },
): Promise<ApiResult<{ apiKey: ApiKey; secret: string }>> {
  const result = await gql<{ createApiKey: { apiKey: ApiKey; secret: string } }>(
    request,
    `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${API_KEY_FIELDS} } } }`,
    { input },
  );
  return result.ok ? { ok: true, data: result.data.createApiKey } : result;
}

export async function revokeApiKey(request: Request, id: string): Promise<ApiResult<ApiKey>> {
  const result = await gql<{ revokeApiKey: ApiKey }>(
    request,
    `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_FIELDS} } }`,
    { id },
  );
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
