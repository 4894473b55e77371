import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { ApiKeyPanel } from '~/components/api-key-panel';
import { CopyButton } from '~/components/copy-button';
import { PartnerGuide } from '~/components/partner-guide';
import { WebhookPanel } from '~/components/webhook-panel';
import { handleApiKeyForm, listApiKeys } from '~/models/api-key.server';
import { env } from '~/models/env.server';
import { formString } from '~/models/forms.server';
import { expectData } from '~/models/graphql.server';
import { handleWebhookForm, isWebhookIntent, listWebhooks } from '~/models/publishing.server';
import { requireSection } from '~/models/sections.server';
import publishingStyles from '~/styles/publishing.css?url';

export const meta: MetaFunction = () => [{ title: 'API access · Greenlight' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: publishingStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { membership } = await requireSection(request, 'api-access');
  const organization = membership.organization;
  const [apiKeys, endpoints] = await Promise.all([
    listApiKeys(request, organization.id).then((r) => expectData(request, r)),
    listWebhooks(request, organization.id).then((r) => expectData(request, r)),
  ]);
  return { organization, apiKeys, endpoints, apiUrl: env.publicApiUrl };
}

export async function action({ request }: ActionFunctionArgs) {
  const { membership } = await requireSection(request, 'api-access');
  const form = await request.formData();
  // Only the partner's own keys and endpoints are managed here, whatever the form says.
  if (isWebhookIntent(formString(form, 'intent'))) return handleWebhookForm(request, form, membership.organization.id);
  form.set('organizationId', membership.organization.id);
  return handleApiKeyForm(request, form);
}

export default function ApiAccessPage() {
  const { organization, apiKeys, endpoints, apiUrl } = useLoaderData<typeof loader>();
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

      <WebhookPanel partner={organization} endpoints={endpoints} outcome={outcome} />

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

      <PartnerGuide />
    </>
  );
}
