import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { ApiKeyPanel } from '~/components/api-key-panel';
import { CopyButton } from '~/components/copy-button';
import { handleApiKeyForm, listApiKeys } from '~/models/api-key.server';
import { env } from '~/models/env.server';
import { expectData } from '~/models/graphql.server';
import { requireSection } from '~/models/sections.server';

export const meta: MetaFunction = () => [{ title: 'API access · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { membership } = await requireSection(request, 'api-access');
  const organization = membership.organization;
  const apiKeys = await expectData(request, await listApiKeys(request, organization.id));
  return { organization, apiKeys, apiUrl: env.publicApiUrl };
}

export async function action({ request }: ActionFunctionArgs) {
  const { membership } = await requireSection(request, 'api-access');
  const form = await request.formData();
  // Only the partner's own keys are managed here, whatever the form says.
  form.set('organizationId', membership.organization.id);
  return handleApiKeyForm(request, form);
}

export default function ApiAccessPage() {
  const { organization, apiKeys, apiUrl } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const example = [
    `curl -s ${apiUrl} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H 'authorization: Bearer <your API key>' \\`,
    `  -d '{"query":"{ viewer { kind organizations { name kind } } }"}'`,
  ].join('\n');

  return (
    <>
      <header className="page-header">
        <h1>API access</h1>
        <p className="muted">Keys that let {organization.name}&apos;s systems call the Greenlight API.</p>
      </header>

      <ApiKeyPanel organization={organization} apiKeys={apiKeys} outcome={outcome} />

      <section className="panel" aria-labelledby="how-to-heading">
        <h2 id="how-to-heading">How to call the API</h2>
        <p>
          The API speaks GraphQL at <code>{apiUrl}</code>. Send each request as a JSON <code>POST</code> with
          your key in the <code>Authorization</code> header. This asks who you are; the answer&apos;s <code>kind</code> is{' '}
          <code>PARTNER_KEY</code>:
        </p>
        <div className="code-block">
          <pre>
            <code>{example}</code>
          </pre>
          <CopyButton text={example} label="Copy example" />
        </div>
        <p className="muted small">
          Keep keys on servers only, never in an app or web page. If a key may have leaked, create a new one, switch over,
          then revoke the old one.
        </p>
      </section>
    </>
  );
}
