import { Form, useNavigation } from '@remix-run/react';
import { graphql, type ResultOf } from '~/graphql';
import type { FormOutcome } from '~/models/form-outcome';
import { CopyButton } from './copy-button';
import { FormAlert, Notice, TextField, useResetWhenSaved } from './forms';
import { Time } from './time';

export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey { id name prefix createdAt lastUsedAt revokedAt }
`);
export type ApiKey = ResultOf<typeof ApiKeyFields>;

interface ApiKeyPanelProps {
  organization: { id: string; name: string };
  apiKeys: ApiKey[];
  /** The last action's outcome; shown only when it concerns this organization. */
  outcome: FormOutcome | undefined;
}

/** A partner's API keys with forms to create and revoke them; a new key is shown once. */
export function ApiKeyPanel({ organization, apiKeys, outcome }: ApiKeyPanelProps) {
  // Other forms of the same partner (its settings, its webhooks) answer with the same target.
  const mine = outcome?.target === organization.id && (outcome.intent === 'createApiKey' || outcome.intent === 'revokeApiKey') ? outcome : undefined;
  const navigation = useNavigation();
  const creating = navigation.formData?.get('intent') === 'createApiKey' && navigation.formData.get('organizationId') === organization.id;
  const createForm = useResetWhenSaved(mine?.secret ? mine : undefined);
  const headingId = `api-keys-${organization.id}`;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h3 id={headingId}>API keys for {organization.name}</h3>
      <Notice>{mine?.notice}</Notice>
      <FormAlert fieldErrors={mine?.fieldErrors}>{mine?.formError}</FormAlert>

      {mine?.secret ? (
        <section className="secret-box" aria-labelledby={`${headingId}-secret`}>
          <h4 id={`${headingId}-secret`}>New API key</h4>
          <p>
            <strong>Copy this key now. It will not be shown again</strong> — only its prefix is kept. Store it in the
            partner&apos;s secret manager.
          </p>
          <div className="secret-value">
            <code>{mine.secret}</code>
            <CopyButton text={mine.secret} label="Copy key" />
          </div>
        </section>
      ) : null}

      {apiKeys.length === 0 ? (
        <p className="muted">No API keys yet. Create one for each system that syncs the catalog.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">API keys for {organization.name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apiKeys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    <Time value={key.createdAt} />
                  </td>
                  <td>{key.lastUsedAt ? <Time value={key.lastUsedAt} withTime /> : <span className="muted">Never</span>}</td>
                  <td>
                    {key.revokedAt ? (
                      <span className="badge badge-muted">
                        Revoked <Time value={key.revokedAt} />
                      </span>
                    ) : (
                      <span className="badge badge-success">Active</span>
                    )}
                  </td>
                  <td className="actions">
                    {key.revokedAt ? null : (
                      <Form
                        method="post"
                        onSubmit={(event) => {
                          if (!window.confirm(`Revoke "${key.name}" (${key.prefix}…)? Systems using it stop working at once.`)) {
                            event.preventDefault();
                          }
                        }}
                      >
                        <input type="hidden" name="intent" value="revokeApiKey" />
                        <input type="hidden" name="organizationId" value={organization.id} />
                        <input type="hidden" name="apiKeyId" value={key.id} />
                        <button type="submit" className="button button-danger button-small" aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Form method="post" className="inline-form" {...createForm} noValidate>
        <input type="hidden" name="intent" value="createApiKey" />
        <input type="hidden" name="organizationId" value={organization.id} />
        <TextField
          label="New key name"
          name="name"
          required
          maxLength={200}
          placeholder="e.g. production sync"
          error={mine?.fieldErrors?.name}
        />
        <button type="submit" className="button" disabled={creating}>
          {creating ? 'Creating…' : 'Create API key'}
        </button>
      </Form>
    </section>
  );
}
