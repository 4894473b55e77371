import { Form, useNavigation } from '@remix-run/react';
import type { FormOutcome } from '~/models/form-outcome';
import { deliveryStatusLabel } from '~/models/publishing';
import { CopyButton } from './copy-button';
import { FormAlert, Notice, TextField, useResetWhenSaved } from './forms';
import { Time } from './time';

export interface WebhookAttemptRow {
  at?: string;
  statusCode?: number | null;
  latencyMs?: number | null;
  error?: string | null;
}

export interface WebhookEndpointRow {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
  deliveries: Array<{ id: string; eventType: string; status: string; attempts: WebhookAttemptRow[]; createdAt: string }>;
}

interface WebhookPanelProps {
  partner: { id: string; name: string };
  endpoints: WebhookEndpointRow[];
  /** The last action's outcome; shown only when it concerns this partner. */
  outcome: FormOutcome | undefined;
}

const STATUS_BADGE: Record<string, string> = { SUCCEEDED: 'badge-success', FAILED: 'badge-danger', PENDING: 'badge-warning' };

/** A partner's webhook endpoints and their delivery logs; a new endpoint's signing secret is shown once. */
export function WebhookPanel({ partner, endpoints, outcome }: WebhookPanelProps) {
  const mine = outcome?.target === `webhooks:${partner.id}` ? outcome : undefined;
  const navigation = useNavigation();
  const adding = navigation.formData?.get('intent') === 'createWebhook' && navigation.formData.get('partnerId') === partner.id;
  const addForm = useResetWhenSaved(mine?.secret ? mine : undefined);
  const headingId = `webhooks-${partner.id}`;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h3 id={headingId}>Webhooks for {partner.name}</h3>
      <p className="muted small">Signed catalog events (published, updated, price changed, taken down, expired) are POSTed to each enabled endpoint.</p>
      <Notice>{mine?.notice}</Notice>
      <FormAlert fieldErrors={mine?.fieldErrors}>{mine?.formError}</FormAlert>

      {mine?.secret ? (
        <section className="secret-box" aria-labelledby={`${headingId}-secret`}>
          <h4 id={`${headingId}-secret`}>Signing secret</h4>
          <p>
            <strong>Copy this secret now. It will not be shown again.</strong> The receiving server verifies each request&apos;s
            signature with it.
          </p>
          <div className="secret-value">
            <code>{mine.secret}</code>
            <CopyButton text={mine.secret} label="Copy secret" />
          </div>
        </section>
      ) : null}

      {endpoints.length === 0 ? <p className="muted">No endpoints yet.</p> : endpoints.map((endpoint) => <EndpointView key={endpoint.id} partnerId={partner.id} endpoint={endpoint} />)}

      <Form method="post" className="inline-form" {...addForm}>
        <input type="hidden" name="intent" value="createWebhook" />
        <input type="hidden" name="partnerId" value={partner.id} />
        <TextField label="Endpoint URL" name="url" type="url" required maxLength={2000} placeholder="https://example.com/greenlight/webhooks" error={mine?.fieldErrors?.url} />
        <button type="submit" className="button" disabled={adding}>
          {adding ? 'Adding…' : 'Add endpoint'}
        </button>
      </Form>
    </section>
  );
}

function attemptText(attempt: WebhookAttemptRow): string {
  const result = attempt.statusCode ? `HTTP ${attempt.statusCode}` : attempt.error ? attempt.error : 'no answer';
  return attempt.latencyMs != null ? `${result} in ${attempt.latencyMs} ms` : result;
}

function EndpointView({ partnerId, endpoint }: { partnerId: string; endpoint: WebhookEndpointRow }) {
  const logId = `deliveries-${endpoint.id}`;
  return (
    <article className="webhook-endpoint" aria-label={`Endpoint ${endpoint.url}`}>
      <div className="webhook-endpoint-head">
        <code>{endpoint.url}</code>
        {endpoint.enabled ? <span className="badge badge-success">Enabled</span> : <span className="badge badge-muted">Disabled</span>}
        <span className="muted small">
          Added <Time value={endpoint.createdAt} />
          {endpoint.consecutiveFailures ? ` · ${endpoint.consecutiveFailures} failed in a row` : ''}
        </span>
        <Form method="post">
          <input type="hidden" name="intent" value="setWebhookEnabled" />
          <input type="hidden" name="partnerId" value={partnerId} />
          <input type="hidden" name="endpointId" value={endpoint.id} />
          <input type="hidden" name="enabled" value={endpoint.enabled ? 'false' : 'true'} />
          <button type="submit" className={`button button-small ${endpoint.enabled ? 'button-secondary' : ''}`} aria-label={`${endpoint.enabled ? 'Disable' : 'Enable'} ${endpoint.url}`}>
            {endpoint.enabled ? 'Disable' : 'Enable'}
          </button>
        </Form>
      </div>
      {endpoint.disabledReason && !endpoint.enabled ? <p className="small">Disabled because: {endpoint.disabledReason}</p> : null}
      {endpoint.deliveries.length === 0 ? (
        <p className="muted small">No deliveries yet.</p>
      ) : (
        <div className="table-scroll" role="group" aria-labelledby={logId} tabIndex={0}>
          <table aria-labelledby={logId}>
            <caption id={logId} className="visually-hidden">
              Deliveries to {endpoint.url}
            </caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoint.deliveries.map((delivery) => (
                <tr key={delivery.id}>
                  <td>
                    <Time value={delivery.createdAt} withTime />
                  </td>
                  <td>
                    <code>{delivery.eventType}</code>
                  </td>
                  <td>
                    <span className={`badge ${STATUS_BADGE[delivery.status] ?? 'badge-muted'}`}>{deliveryStatusLabel(delivery.status)}</span>
                  </td>
                  <td>
                    {delivery.attempts.length === 0 ? (
                      <span className="muted">None yet</span>
                    ) : (
                      <ol className="attempts">
                        {delivery.attempts.map((attempt, i) => (
                          <li key={i}>
                            {attempt.at ? (
                              <>
                                <Time value={attempt.at} withTime />:{' '}
                              </>
                            ) : null}
                            {attemptText(attempt)}
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                  <td className="actions">
                    <Form method="post">
                      <input type="hidden" name="intent" value="redeliverWebhook" />
                      <input type="hidden" name="partnerId" value={partnerId} />
                      <input type="hidden" name="deliveryId" value={delivery.id} />
                      <button type="submit" className="button button-secondary button-small">
                        Redeliver
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}
