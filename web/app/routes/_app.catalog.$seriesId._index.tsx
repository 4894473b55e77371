import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useMemo, useState } from 'react';
import { PriceFields } from '~/components/catalog-fields';
import { BulkUploader, FileDropGuard } from '~/components/bulk-upload';
import { useUploadQueue } from '~/components/episode-uploads';
import { EpisodeTable, selectionSummary, useEpisodeSelection } from '~/components/episode-table';
import { FormAlert, Notice, TextField, useResetWhenSaved } from '~/components/forms';
import { AiLabelPreflight } from '~/components/ai-label-preflight';
import { LicenseSummary } from '~/components/license-summary';
import { GoLivePreflight } from '~/components/go-live-preflight';
import { LocalizationPreflight } from '~/components/localization-preflight';
import { ReviewSubmitFields, useRefreshWhile } from '~/components/review-history';
import { describeRuns, EPISODE_PAGE_SIZE, numberRuns, territoryName } from '~/models/catalog';
import { catalogLists, requireCatalog } from '~/models/catalog-access.server';
import { getSeriesOverview, getUploadPolicy } from '~/models/catalog.server';
import { handleReviewSubmission } from '~/models/episode-form.server';
import { formValues } from '~/models/form-values.server';
import { expectData } from '~/models/graphql.server';
import { handleEpisodesForm } from '~/models/pricing-form.server';
import episodeStyles from '~/styles/episode.css?url';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: episodeStyles }];

const DEFAULT_TERRITORY = 'US';
const MAX_SHOWN = 1000;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const url = new URL(request.url);
  const [{ territories, currencies }, uploadPolicy] = await Promise.all([catalogLists(request), getUploadPolicy(request).then((r) => expectData(request, r))]);
  const asked = url.searchParams.get('territory')?.toUpperCase();
  const territory = asked && territories.some((t) => t.code === asked) ? asked : DEFAULT_TERRITORY;
  const show = Math.min(MAX_SHOWN, Math.max(EPISODE_PAGE_SIZE, Math.ceil((Number(url.searchParams.get('show')) || 0) / EPISODE_PAGE_SIZE) * EPISODE_PAGE_SIZE));
  const overview = await expectData(request, await getSeriesOverview(request, params.seriesId!, territory, show));
  return {
    ...overview,
    territory,
    show,
    territories,
    currencies: canEdit ? currencies : [],
    canEdit,
    uploadPolicy,
    created: url.searchParams.has('created'),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  const lists = await catalogLists(request);
  const form = await request.clone().formData();
  if (form.get('intent') === 'submitForReview') return handleReviewSubmission(request, form, formValues(form, 'episodeId'), lists.territories);
  return handleEpisodesForm(request, params.seriesId!, lists);
}

const BULK_FORM = 'bulk-price';

export default function SeriesPage() {
  const { series, episodes, hasMore, territory, show, territories, currencies, canEdit, created, uploadPolicy } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state !== 'idle' ? navigation.formData?.get('intent') : undefined;
  const place = territoryName(territories, territory);
  const numbers = useMemo(() => episodes.map((e) => e.number), [episodes]);
  const selection = useEpisodeSelection(numbers);

  const addOutcome = outcome?.intent === 'addEpisodes' ? outcome : undefined;
  const addForm = useResetWhenSaved(addOutcome?.notice ? addOutcome : undefined);
  const priceOutcome = outcome?.intent === 'setPrice' || outcome?.intent === 'clearPrice' ? outcome : undefined;
  const reviewOutcome = outcome?.intent === 'submitForReview' ? outcome : undefined;

  // Uploads and processing change episodes behind the page's back: reload what it shows.
  const revalidator = useRevalidator();
  const uploads = useUploadQueue(uploadPolicy, revalidator.revalidate);
  useRefreshWhile(episodes.some((e) => e.status === 'PROCESSING'));
  const known = useMemo(() => episodes.map((e) => ({ id: e.id, number: e.number, status: e.status })), [episodes]);
  const licensed = (series.license?.territoriesIncluded ?? []).filter((code) => territories.some((t) => t.code === code));
  const selectedForReview = episodes.filter((e) => selection.selected.has(e.number));
  const reviewable = selectedForReview.filter((e) => e.viewerCanSubmitForReview);
  const notReviewable = selectedForReview.length - reviewable.length;
  const [reviewOpen, setReviewOpen] = useState(false);
  const hasReviewable = reviewable.length > 0;
  useEffect(() => {
    if (hasReviewable) setReviewOpen(true);
  }, [hasReviewable]);

  const lastNumber = episodes.length ? episodes[episodes.length - 1]!.number : 0;
  const nextNumber = hasMore ? series.episodeCount + 1 : lastNumber + 1;
  const query = (changes: Record<string, string | number>) => {
    const params = new URLSearchParams({ territory, ...(show > EPISODE_PAGE_SIZE ? { show: String(show) } : {}) });
    for (const [key, value] of Object.entries(changes)) params.set(key, String(value));
    return `?${params}`;
  };

  return (
    <>
      {created && !outcome ? <Notice>{`${series.title} is created. Drop its episodes' videos on this page (or add episodes below), then set its license and prices.`}</Notice> : null}
      <LicenseSummary seriesId={series.id} license={series.license} availability={series.availability} territory={territory} territories={territories} canEdit={canEdit} />
      <GoLivePreflight checks={series.goLivePreflight} scope="series" territories={territories} />
      <LocalizationPreflight checks={series.localizationPreflight} scope="series" />
      <AiLabelPreflight seriesId={series.id} requirements={series.aiLabelRequirements} territories={territories} canEdit={canEdit} />

      {canEdit ? (
        <section className="panel" aria-labelledby="upload-heading">
          <h2 id="upload-heading">Upload videos</h2>
          <BulkUploader seriesId={series.id} queue={uploads} episodes={known} onEpisodesChanged={revalidator.revalidate} />
        </section>
      ) : (
        <FileDropGuard />
      )}

      <section className="panel" aria-labelledby="episodes-heading">
        <div className="panel-heading">
          <h2 id="episodes-heading">Episodes</h2>
          <div className="panel-tools">
            <Form method="get" className="row-form" preventScrollReset>
              <label htmlFor="price-territory">Prices in</label>
              <select id="price-territory" name="territory" defaultValue={territory} key={territory} onChange={(event) => event.currentTarget.form?.requestSubmit()}>
                {territories.map((t) => (
                  <option key={t.code} value={t.code}>
                    {t.name} ({t.code})
                  </option>
                ))}
              </select>
              {show > EPISODE_PAGE_SIZE ? <input type="hidden" name="show" value={show} /> : null}
              <noscript>
                <button type="submit" className="button button-secondary button-small">
                  Show
                </button>
              </noscript>
            </Form>
            <a className="button button-secondary button-small" href={`/catalog/${series.id}/avails.csv`} download>
              Download avails (CSV)
            </a>
          </div>
        </div>

        {episodes.length === 0 ? (
          <p className="muted">No episodes yet.{canEdit ? ' Drop their videos on this page, or add a whole range below.' : ''}</p>
        ) : (
          <>
            {canEdit ? (
              <div className="selection-tools" aria-label="Select episodes" role="group">
                <SelectRange onSelect={selection.selectRange} max={lastNumber} />
                <button type="button" className="button button-secondary button-small" onClick={selection.selectAll}>
                  Select all shown
                </button>
                <button type="button" className="button button-secondary button-small" onClick={selection.clear} disabled={!selection.selected.size}>
                  Clear selection
                </button>
              </div>
            ) : null}
            {canEdit ? (
              <section className="bulk-price" aria-labelledby="bulk-heading">
                <h3 id="bulk-heading">Price the selected episodes</h3>
                <p className="muted small">
                  A price set here overrides the series defaults for these episodes. A territory&apos;s own price beats a worldwide one.
                </p>
                <Notice>{priceOutcome?.notice}</Notice>
                <FormAlert fieldErrors={priceOutcome?.fieldErrors}>{priceOutcome?.formError}</FormAlert>
                <Form method="post" id={BULK_FORM} preventScrollReset>
                  <p className={priceOutcome?.fieldErrors?.episodes ? 'selection-summary field-error' : 'selection-summary'} aria-live="polite">
                    {priceOutcome?.fieldErrors?.episodes ?? selectionSummary(selection.selected)}
                  </p>
                  <PriceFields territories={territories} currencies={currencies} errors={priceOutcome?.fieldErrors} />
                  <div className="form-actions">
                    <button type="submit" name="intent" value="setPrice" className="button" disabled={busyIntent === 'setPrice'}>
                      {busyIntent === 'setPrice' ? 'Saving…' : 'Set price'}
                    </button>
                    <button type="submit" name="intent" value="clearPrice" className="button button-secondary" disabled={busyIntent === 'clearPrice'}>
                      {busyIntent === 'clearPrice' ? 'Clearing…' : 'Clear prices in this territory'}
                    </button>
                  </div>
                </Form>
              </section>
            ) : null}
            {canEdit ? (
              <section className="bulk-price bulk-review" aria-labelledby="bulk-review-heading">
                {/* Folded away until ready episodes are selected: the territory list is long. */}
                <details open={reviewOpen} onToggle={(event) => setReviewOpen(event.currentTarget.open)}>
                  <summary>
                    <h3 id="bulk-review-heading">Submit the selected episodes for review</h3>
                  </summary>
                  <p className="muted small">Episodes with a processed video (Ready, or Changes requested) are screened at once, then a reviewer decides per territory.</p>
                  <Notice>{reviewOutcome?.notice}</Notice>
                  <FormAlert fieldErrors={reviewOutcome?.fieldErrors}>{reviewOutcome?.formError}</FormAlert>
                  {/* Rendered only when open: the territory list is a few hundred checkboxes. */}
                  {reviewOpen ? (
                    <Form method="post" preventScrollReset>
                      <input type="hidden" name="intent" value="submitForReview" />
                      {reviewable.map((e) => (
                        <input key={e.id} type="hidden" name="episodeId" value={e.id} />
                      ))}
                      <p className={reviewOutcome?.fieldErrors?.episodes ? 'selection-summary field-error' : 'selection-summary'} aria-live="polite">
                        {reviewOutcome?.fieldErrors?.episodes ??
                          (reviewable.length
                            ? `${reviewable.length} selected episode${reviewable.length === 1 ? '' : 's'} ready for review: ${describeRuns(numberRuns(reviewable.map((e) => e.number)))}.`
                            : selection.selected.size
                              ? 'No selected episode is ready for review.'
                              : 'Select episodes in the table below.')}
                        {notReviewable && !reviewOutcome?.fieldErrors?.episodes
                          ? ` ${notReviewable} other selected episode${notReviewable === 1 ? ' is' : 's are'} left out: ${notReviewable === 1 ? 'it needs' : 'they need'} a processed video and must not be in review already.`
                          : ''}
                      </p>
                      <ReviewSubmitFields territories={territories} defaultTerritories={licensed} errors={reviewOutcome?.fieldErrors} />
                      <div className="form-actions">
                        <button type="submit" className="button" disabled={busyIntent === 'submitForReview' || !reviewable.length}>
                          {busyIntent === 'submitForReview' ? 'Submitting…' : 'Submit for review'}
                        </button>
                      </div>
                    </Form>
                  ) : null}
                </details>
              </section>
            ) : null}
            <EpisodeTable
              episodes={episodes}
              seriesId={series.id}
              territoryName={place}
              selection={canEdit ? { formId: BULK_FORM, selected: selection.selected, toggle: selection.toggle } : undefined}
              renamable={canEdit}
            />
            {hasMore ? (
              <p className="load-more">
                <Link className="button button-secondary" to={query({ show: show + EPISODE_PAGE_SIZE })} preventScrollReset>
                  Show more episodes
                </Link>
              </p>
            ) : null}
            {canEdit ? <p className="muted small">Tip: shift-click a second checkbox to tick every episode between the two.</p> : null}
          </>
        )}
      </section>

      {canEdit ? (
        <section className="panel" aria-labelledby="add-heading">
          <h2 id="add-heading">Add episodes</h2>
          <p className="muted">Adds a range of numbered draft episodes in one go; media is uploaded to each afterwards.</p>
          <Notice>{addOutcome?.notice}</Notice>
          <FormAlert fieldErrors={addOutcome?.fieldErrors}>{addOutcome?.formError}</FormAlert>
          <Form method="post" className="inline-form" {...addForm} preventScrollReset noValidate>
            <input type="hidden" name="intent" value="addEpisodes" />
            {/* Not re-keyed when the next number moves: an untouched field follows its default, a typed one keeps the user's number. */}
            <TextField label="From" name="fromNumber" inputMode="numeric" defaultValue={String(nextNumber)} error={addOutcome?.fieldErrors?.fromNumber} />
            <TextField label="To" name="toNumber" inputMode="numeric" error={addOutcome?.fieldErrors?.toNumber} />
            <TextField
              label="Title template (optional)"
              name="titleTemplate"
              placeholder="Episode {n}"
              hint="{n} becomes the episode number."
              error={addOutcome?.fieldErrors?.titleTemplate}
            />
            <button type="submit" className="button" disabled={busyIntent === 'addEpisodes'}>
              {busyIntent === 'addEpisodes' ? 'Adding…' : 'Add episodes'}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/** Ticks every shown episode from one number to another. */
function SelectRange({ onSelect, max }: { onSelect: (from: number, to: number) => void; max: number }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const valid = /^\d+$/.test(from) && /^\d+$/.test(to);
  return (
    <div className="select-range">
      <label htmlFor="select-from">Select from</label>
      <input id="select-from" inputMode="numeric" size={4} value={from} placeholder="1" onChange={(e) => setFrom(e.currentTarget.value.trim())} />
      <label htmlFor="select-to">to</label>
      <input id="select-to" inputMode="numeric" size={4} value={to} placeholder={String(max)} onChange={(e) => setTo(e.currentTarget.value.trim())} />
      <button type="button" className="button button-secondary button-small" disabled={!valid} onClick={() => onSelect(Number(from), Number(to))}>
        Select range
      </button>
    </div>
  );
}
