import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import type { FormEvent } from 'react';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useMemo, useRef, useState } from 'react';
import { FormAlert, Notice, SelectField, TextField } from '~/components/forms';
import { Time } from '~/components/time';
import { requireCatalog } from '~/models/catalog-access.server';
import { expectData } from '~/models/graphql.server';
import { notLiveLabel, RELEASE_MODES, releaseModeLabel, releaseStartOf, releaseStartProblem, releaseStartWords, replacedPlanWords, type ReleaseMode } from '~/models/publishing';
import { getDistribution, getReleaseHorizon, handleReleaseForm, listPartners, type PartnerDistribution } from '~/models/publishing.server';
import publishingStyles from '~/styles/publishing.css?url';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: publishingStyles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const [partners, distribution, horizon] = await Promise.all([
    listPartners(request).then((r) => expectData(request, r)),
    getDistribution(request, params.seriesId!).then((r) => expectData(request, r)),
    getReleaseHorizon(request).then((r) => expectData(request, r)),
  ]);
  return { partners, distribution, horizon, canEdit };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  return handleReleaseForm(request, params.seriesId!, await request.formData());
}

export default function DistributionPage() {
  const { partners, distribution, horizon, canEdit } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const saving = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'setReleasePlan';
  const planOutcome = outcome?.target === 'plan' ? outcome : undefined;
  const [mode, setMode] = useState<ReleaseMode>('ALL_AT_ONCE');
  // Releasing reaches a partner's viewers: the studio confirms which partner and where first.
  const releaseForm = useRef<HTMLFormElement>(null);
  const confirmDialog = useRef<HTMLDialogElement>(null);
  const confirmed = useRef(false);
  const [release, setRelease] = useState<{ name: string; territories: string[]; when: string; replaces: string | null } | null>(null);
  // "Choose a partner." answers the last submit; once a partner is chosen it no longer holds, so it
  // must not linger beside the field or behind the confirmation. A new answer shows its own errors.
  // The error summary moves focus to itself whenever it gets a new object, so it changes only when
  // it empties (the partner was the only problem) or the confirmation takes focus anyway.
  const [partnerChosen, setPartnerChosen] = useState<{ answer: typeof planOutcome; summaryToo: boolean } | null>(null);
  const answered = planOutcome !== undefined && partnerChosen?.answer === planOutcome;
  const summaryErrors = useMemo(
    () => (answered && partnerChosen?.summaryToo ? withoutPartnerError(planOutcome?.fieldErrors) : planOutcome?.fieldErrors),
    [answered, partnerChosen, planOutcome],
  );
  // A start outside the API's `releaseHorizon` is named beside the field before any confirmation; it clears on the next submit.
  const [startProblem, setStartProblem] = useState<{ answer: typeof planOutcome; message: string } | null>(null);
  const shownStartProblem = startProblem && startProblem.answer === planOutcome ? startProblem.message : undefined;
  const answerErrors: Record<string, string> | undefined = answered ? withoutPartnerError(planOutcome?.fieldErrors) : planOutcome?.fieldErrors;
  const fieldErrors: Record<string, string> | undefined = shownStartProblem ? { ...answerErrors, startsAt: shownStartProblem } : answerErrors;
  const confirmRelease = (event: FormEvent<HTMLFormElement>) => {
    if (confirmed.current) {
      confirmed.current = false;
      return;
    }
    const form = new FormData(event.currentTarget);
    const partner = partners.find((p) => p.organization.id === form.get('partnerId'));
    const now = new Date();
    const startsAt = releaseStartOf(String(form.get('startsAt') ?? ''), now);
    // No partner chosen, or a start that is not a date: the form answers beside the field.
    if (!partner || !startsAt) return;
    event.preventDefault();
    const problem = releaseStartProblem(startsAt, mode, horizon);
    setStartProblem(problem ? { answer: planOutcome, message: problem } : null);
    if (problem) {
      (event.currentTarget.elements.namedItem('startsAt') as HTMLInputElement | null)?.focus();
      return;
    }
    setPartnerChosen({ answer: planOutcome, summaryToo: true });
    const current = distribution.find((row) => row.partner.id === partner.organization.id)?.plan;
    setRelease({ name: partner.organization.name, territories: partner.profile?.territories ?? [], when: releaseStartWords(startsAt, now, mode), replaces: current ? replacedPlanWords(current) : null });
    confirmDialog.current?.showModal();
  };

  return (
    <>
      {canEdit ? (
        <section className="panel" aria-labelledby="release-heading">
          <h2 id="release-heading">Release to a partner</h2>
          <p className="muted">
            An episode goes live on a partner once it is approved for the territory, licensed there now, priced, and its release time has come.
            Saving a plan for a partner that already has one replaces it.
          </p>
          <Notice>{planOutcome?.notice}</Notice>
          <FormAlert fieldErrors={summaryErrors}>{planOutcome?.formError}</FormAlert>
          {partners.length === 0 ? (
            <p className="muted">No partner platforms are set up yet.</p>
          ) : (
            <Form method="post" className="inline-form release-form" ref={releaseForm} onSubmit={confirmRelease}>
              <input type="hidden" name="intent" value="setReleasePlan" />
              {/* No partner is chosen for the studio: one click must not release to whichever comes first. */}
              <SelectField
                label="Partner"
                name="partnerId"
                defaultValue=""
                options={[{ value: '', label: 'Choose a partner' }, ...partners.map((p) => ({ value: p.organization.id, label: p.organization.name }))]}
                error={fieldErrors?.partnerId}
                onChange={(event) => {
                  const fields = Object.keys(planOutcome?.fieldErrors ?? {});
                  if (event.currentTarget.value) setPartnerChosen({ answer: planOutcome, summaryToo: fields.length === 1 && fields[0] === 'partnerId' });
                }}
              />
              <SelectField
                label="Release"
                name="mode"
                value={mode}
                onChange={(event) => setMode(event.currentTarget.value as ReleaseMode)}
                options={RELEASE_MODES}
                error={fieldErrors?.mode}
              />
              <TextField
                label="Starts (UTC)"
                name="startsAt"
                type="datetime-local"
                hint="Leave empty, or give a time that has passed, to start now."
                error={fieldErrors?.startsAt}
              />
              {mode === 'DROPS' ? (
                <TextField
                  label="Episodes per day"
                  name="episodesPerDay"
                  type="number"
                  min={1}
                  step={1}
                  defaultValue="1"
                  required
                  error={fieldErrors?.episodesPerDay}
                />
              ) : null}
              <button type="submit" className="button" disabled={saving}>
                {saving ? 'Saving…' : 'Save release plan'}
              </button>
            </Form>
          )}
          <dialog ref={confirmDialog} className="confirm-dialog" aria-labelledby="release-confirm-heading" onClose={() => setRelease(null)}>
            {release ? (
              <>
                <h2 id="release-confirm-heading">Release to {release.name}?</h2>
                <p>
                  {release.territories.length
                    ? `${release.name} shows episodes in ${release.territories.join(', ')}. Each goes live there once it is approved, licensed and priced there, and its release time has come.`
                    : `${release.name} serves no territories yet: nothing goes live until it does.`}
                </p>
                <p className="release-confirm-when">{release.when}</p>
                {release.replaces ? <p className="release-confirm-replaces">{release.replaces}</p> : null}
                <div className="form-actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      confirmed.current = true;
                      confirmDialog.current?.close();
                      releaseForm.current?.requestSubmit();
                    }}
                  >
                    Release to {release.name}
                  </button>
                  <button type="button" className="button button-secondary" onClick={() => confirmDialog.current?.close()}>
                    Cancel
                  </button>
                </div>
              </>
            ) : null}
          </dialog>
        </section>
      ) : null}

      {distribution.length === 0 ? (
        <section className="panel" aria-labelledby="distribution-empty-heading">
          <h2 id="distribution-empty-heading">Distribution</h2>
          <p className="muted">This series is not released to any partner yet.{canEdit ? ' Choose a partner above to start.' : ''}</p>
        </section>
      ) : (
        distribution.map((row) => <PartnerGrid key={row.partner.id} row={row} canEdit={canEdit} outcome={outcome?.target === row.partner.id ? outcome : undefined} />)
      )}
    </>
  );
}

function withoutPartnerError(fieldErrors: Record<string, string> | undefined) {
  if (!fieldErrors?.partnerId) return fieldErrors;
  const rest = { ...fieldErrors };
  delete rest.partnerId;
  return Object.keys(rest).length ? rest : undefined;
}

function PartnerGrid({ row, canEdit, outcome }: { row: PartnerDistribution; canEdit: boolean; outcome: { notice?: string; formError?: string } | undefined }) {
  const headingId = `partner-${row.partner.id}`;
  const territories = [...new Set(row.episodes.map((c) => c.territory))];
  const numbers = [...new Set(row.episodes.map((c) => c.episode.number))].sort((a, b) => a - b);
  const cell = (number: number, territory: string) => row.episodes.find((c) => c.episode.number === number && c.territory === territory);
  const liveCount = row.episodes.filter((c) => c.live).length;
  const { plan } = row;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="distribution-head">
        <div>
          <h2 id={headingId}>{row.partner.name}</h2>
          <p className="muted">
            {plan ? (
              <>
                {releaseModeLabel(plan.mode)}
                {plan.mode === 'DROPS' && plan.episodesPerDay ? `, ${plan.episodesPerDay} per day` : ''} from <Time value={plan.startsAt} withTime />
              </>
            ) : (
              'No release plan: nothing is released to this partner.'
            )}
            {' · '}
            {liveCount} of {row.episodes.length} episode–territory pairs live
          </p>
        </div>
        {canEdit && plan ? (
          <Form
            method="post"
            onSubmit={(event) => {
              if (!window.confirm(`Stop releasing to ${row.partner.name}? Its live episodes are withdrawn at once.`)) event.preventDefault();
            }}
          >
            <input type="hidden" name="intent" value="removeReleasePlan" />
            <input type="hidden" name="partnerId" value={row.partner.id} />
            <button type="submit" className="button button-danger button-small">
              Remove release plan
            </button>
          </Form>
        ) : null}
      </div>
      <Notice>{outcome?.notice}</Notice>
      <FormAlert>{outcome?.formError}</FormAlert>
      {territories.length === 0 ? (
        <p className="muted">{row.partner.name} serves no territories yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="distribution-grid">
            <caption className="visually-hidden">Episodes on {row.partner.name} by territory</caption>
            <thead>
              <tr>
                <th scope="col">Episode</th>
                {territories.map((t) => (
                  <th scope="col" key={t}>
                    {t}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {numbers.map((number) => {
                const title = row.episodes.find((c) => c.episode.number === number)?.episode.title ?? '';
                return (
                  <tr key={number}>
                    <th scope="row">
                      {number}. {title}
                    </th>
                    {territories.map((territory) => {
                      const c = cell(number, territory);
                      return (
                        <td key={territory} data-territory={territory}>
                          {!c ? null : c.live ? (
                            <span className="badge badge-success">Live</span>
                          ) : (
                            <details className="reasons">
                              <summary title={c.reasons.map((r) => r.message).join('\n')}>
                                {notLiveLabel(c.reasons, c.episode.territoryOutcomes.find((o) => o.territory === territory)?.decision)}
                              </summary>
                              <ul>
                                {c.reasons.map((r, i) => (
                                  <li key={i}>{r.message}</li>
                                ))}
                              </ul>
                            </details>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
