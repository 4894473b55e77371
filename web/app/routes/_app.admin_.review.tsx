import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { FormAlert, Notice } from '~/components/forms';
import { expectData } from '~/models/graphql.server';
import { packRules, ruleCount } from '~/models/moderation';
import { handleReviewSettingsForm } from '~/models/review-form.server';
import { getReviewSettings, listPolicyPacks } from '~/models/review.server';
import { requireSection } from '~/models/sections.server';
import reviewStyles from '~/styles/review.css?url';

export const meta: MetaFunction = () => [{ title: 'Review settings · Admin · Greenlight' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSection(request, 'admin-review');
  const [settings, packs] = await Promise.all([
    getReviewSettings(request).then((r) => expectData(request, r)),
    listPolicyPacks(request).then((r) => expectData(request, r)),
  ]);
  return { settings, packs: packs.map((p) => ({ territory: p.territory, version: p.version, name: p.name, description: p.description, ruleCount: ruleCount(p), rules: packRules(p) })) };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireSection(request, 'admin-review');
  return handleReviewSettingsForm(request);
}

export default function ReviewSettingsPage() {
  const { settings, packs } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const saving = useNavigation().formData?.get('intent') === 'saveReviewSettings';
  return (
    <>
      <header className="page-header">
        <h1>Review settings</h1>
        <p className="muted">How the review pipeline treats low-risk cases, what studios see, and the policies screenings apply. Every change is in the audit log.</p>
      </header>

      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Pipeline</h2>
        <Notice>{outcome?.notice}</Notice>
        <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
        <Form method="post" className="settings-form" noValidate>
          <input type="hidden" name="intent" value="saveReviewSettings" />
          <div className="setting">
            <div className="check">
              <input type="checkbox" role="switch" id="auto-approve" name="autoApproveEnabled" defaultChecked={settings.autoApproveEnabled} aria-describedby="auto-approve-hint" />
              <label htmlFor="auto-approve">Auto-approve low-risk cases</label>
            </div>
            <p className="field-hint" id="auto-approve-hint">
              Off by default. When on, a case the AI found clear in every territory, with a risk score at or below the threshold, is approved without a reviewer. Cases
              where the AI was unavailable always go to a reviewer.
            </p>
          </div>
          <div className="field threshold-field">
            <label htmlFor="auto-approve-max-risk">Highest risk score to auto-approve</label>
            <input
              type="number"
              id="auto-approve-max-risk"
              name="autoApproveMaxRisk"
              min={0}
              max={100}
              step={1}
              required
              defaultValue={settings.autoApproveMaxRisk}
              aria-invalid={outcome?.fieldErrors?.autoApproveMaxRisk ? true : undefined}
              aria-describedby="auto-approve-max-risk-hint auto-approve-max-risk-error"
            />
            <p className="field-hint" id="auto-approve-max-risk-hint">
              0–100.
            </p>
            <p className="field-error" id="auto-approve-max-risk-error" aria-live="polite">
              {outcome?.fieldErrors?.autoApproveMaxRisk ?? ''}
            </p>
          </div>
          <div className="setting">
            <div className="check">
              <input
                type="checkbox"
                role="switch"
                id="studio-sees-findings"
                name="studioSeesFindingsBeforeDecision"
                defaultChecked={settings.studioSeesFindingsBeforeDecision}
                aria-describedby="studio-sees-findings-hint"
              />
              <label htmlFor="studio-sees-findings">Studios see findings before a decision</label>
            </div>
            <p className="field-hint" id="studio-sees-findings-hint">
              When off, a studio sees the AI’s findings and reviewers’ notes only once a reviewer has decided.
            </p>
          </div>
          <button type="submit" className="button" disabled={saving}>
            {saving ? 'Saving…' : 'Save review settings'}
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="packs-heading">
        <h2 id="packs-heading">Active policy packs</h2>
        <p className="muted small">Read-only: packs are versioned with the product. A territory’s review applies the global baseline plus its own pack.</p>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Territory</th>
                <th scope="col">Version</th>
                <th scope="col">Rules</th>
              </tr>
            </thead>
            <tbody>
              {packs.map((pack) => (
                <tr key={pack.territory}>
                  <th scope="row">
                    {pack.name} <span className="muted">({pack.territory})</span>
                  </th>
                  <td>
                    <code>{pack.version}</code>
                  </td>
                  <td>
                    <details className="pack-rules">
                      <summary>
                        {pack.ruleCount} rule{pack.ruleCount === 1 ? '' : 's'}
                      </summary>
                      <p className="muted small">{pack.description}</p>
                      <ul>
                        {pack.rules.map((rule) => (
                          <li key={rule.id}>
                            <code>{rule.id}</code>
                            {rule.severity ? <span className="badge badge-muted">{rule.severity.toLowerCase()}</span> : null} {rule.description}
                          </li>
                        ))}
                      </ul>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
