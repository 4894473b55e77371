import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { ApiKeyPanel } from '~/components/api-key-panel';
import { TerritoryPicker } from '~/components/catalog-fields';
import { FormAlert, Notice, SelectField, TextField } from '~/components/forms';
import { WebhookPanel } from '~/components/webhook-panel';
import { handleApiKeyForm, listApiKeys } from '~/models/api-key.server';
import { catalogLists } from '~/models/catalog-access.server';
import { formString } from '~/models/forms.server';
import { expectData } from '~/models/graphql.server';
import { handlePartnerForm, handleWebhookForm, isWebhookIntent, listPartners, listWebhooks } from '~/models/publishing.server';
import { requireSection } from '~/models/sections.server';
import publishingStyles from '~/styles/publishing.css?url';

export const meta: MetaFunction = () => [{ title: 'Partners · Admin · Greenlight' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: publishingStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSection(request, 'admin-partners');
  const [partners, lists] = await Promise.all([listPartners(request).then((r) => expectData(request, r)), catalogLists(request)]);
  const withWebhooks = await Promise.all(
    partners.map(async (partner) => ({
      ...partner,
      endpoints: await expectData(request, await listWebhooks(request, partner.organization.id)),
      apiKeys: await expectData(request, await listApiKeys(request, partner.organization.id)),
    })),
  );
  return { partners: withWebhooks, territories: lists.territories, currencies: lists.currencies };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireSection(request, 'admin-partners');
  const form = await request.formData();
  const intent = formString(form, 'intent');
  if (isWebhookIntent(intent)) return handleWebhookForm(request, form, formString(form, 'partnerId'));
  if (intent === 'createApiKey' || intent === 'revokeApiKey') return handleApiKeyForm(request, form);
  return handlePartnerForm(request, form);
}

export default function AdminPartnersPage() {
  const { partners, territories, currencies } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();

  return (
    <>
      <header className="page-header">
        <h1>Partners</h1>
        <p className="muted">Where each partner platform sells, in what currency, the API keys it reads the live catalog with, how fast they may call, and where its catalog events go.</p>
      </header>

      {partners.length === 0 ? (
        <p className="muted">
          No partner organizations yet. <Link to="/admin">Create one</Link> with the kind “Partner”.
        </p>
      ) : null}

      {partners.map((partner) => {
        const id = partner.organization.id;
        const mine = outcome?.target === id && outcome.intent === 'updatePartner' ? outcome : undefined;
        const saving = navigation.formData?.get('intent') === 'updatePartner' && navigation.formData.get('partnerId') === id;
        const profile = partner.profile ?? { territories: [], currency: 'USD', rateLimitPerMinute: null };
        return (
          <section key={id} className="panel-group" aria-labelledby={`partner-${id}`}>
            <h2 id={`partner-${id}`}>{partner.organization.name}</h2>
            <section className="panel partner-settings" aria-label={`Settings for ${partner.organization.name}`}>
              <h3>Settings</h3>
              <Notice>{mine?.notice}</Notice>
              <FormAlert fieldErrors={mine?.fieldErrors}>{mine?.formError}</FormAlert>
              <Form method="post" key={`${profile.territories.join()}-${profile.currency}-${profile.rateLimitPerMinute}`} noValidate>
                <input type="hidden" name="intent" value="updatePartner" />
                <input type="hidden" name="partnerId" value={id} />
                <TerritoryPicker
                  legend="Territories served"
                  name="territories"
                  territories={territories}
                  defaultSelected={profile.territories}
                  error={mine?.fieldErrors?.territories}
                />
                <div className="inline-form">
                  <SelectField
                    label="Currency"
                    name="currency"
                    defaultValue={profile.currency}
                    options={currencies.map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` }))}
                    error={mine?.fieldErrors?.currency}
                  />
                  <TextField
                    label="Requests per minute per key"
                    name="rateLimitPerMinute"
                    type="number"
                    min={1}
                    step={1}
                    defaultValue={profile.rateLimitPerMinute ?? ''}
                    hint="Empty: the platform default."
                    error={mine?.fieldErrors?.rateLimitPerMinute}
                  />
                  <button type="submit" className="button" disabled={saving}>
                    {saving ? 'Saving…' : 'Save settings'}
                  </button>
                </div>
              </Form>
            </section>
            <ApiKeyPanel organization={partner.organization} apiKeys={partner.apiKeys} outcome={outcome} />
            <WebhookPanel partner={partner.organization} endpoints={partner.endpoints} outcome={outcome} />
          </section>
        );
      })}
    </>
  );
}
