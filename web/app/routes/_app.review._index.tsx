import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { EmptyState } from '~/components/empty-state';
import { FormAlert, Notice } from '~/components/forms';
import { QueueFilters } from '~/components/review/queue-filters';
import { CalibrationChart, DetectorCalibration, QueueStatsPanel, QueueTable } from '~/components/review/queue-overview';
import { listTerritories } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';
import { filterFromSearch, filterToSearch, knownCategories, packRules, withSearch } from '~/models/moderation';
import { handleQueueForm, noticeOf } from '~/models/review-form.server';
import { getQueueOverview, listPolicyPacks, listStudios } from '~/models/review.server';
import { requireSection } from '~/models/sections.server';
import reviewStyles from '~/styles/review.css?url';

export const meta: MetaFunction = () => [{ title: 'Review queue · Greenlight' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }];

const CALIBRATION_DAYS = 30;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, membership } = await requireSection(request, 'review');
  const url = new URL(request.url);
  // The filter form sends every field; "any" (empty) ones are dropped so addresses stay short and shareable.
  if ([...url.searchParams.values()].some((value) => value === '')) {
    const kept = [...url.searchParams].filter(([, value]) => value !== '');
    throw redirect(withSearch(url.pathname, new URLSearchParams(kept).toString()));
  }
  const filter = filterFromSearch(url.searchParams);
  const after = url.searchParams.get('after');
  // A way of showing the queue, not a filter: "Claim next" takes the same case either way.
  const groupBySeries = url.searchParams.get('group') === 'series';
  const since = new Date(Date.now() - CALIBRATION_DAYS * 86_400_000).toISOString();
  const [overview, packs, territories, studios] = await Promise.all([
    getQueueOverview(request, filter, after, since, groupBySeries).then((r) => expectData(request, r)),
    listPolicyPacks(request).then((r) => expectData(request, r)),
    listTerritories(request).then((r) => expectData(request, r)),
    // Only operator admins may list studios; everyone else filters by studio through the address.
    membership.can.administer ? listStudios(request).then((r) => expectData(request, r)) : Promise.resolve([]),
  ]);
  return {
    ...overview,
    filter,
    filterSearch: filterToSearch(filter),
    groupBySeries,
    after,
    territories,
    studios,
    policyTerritories: packs.map((p) => p.territory),
    categories: knownCategories(packs),
    rulesByPack: packs.map((p) => ({ territory: p.territory, name: p.name, ruleIds: packRules(p).map((r) => r.id) })),
    me: viewer.user.email,
    now: new Date().toISOString(),
    notice: noticeOf(url.searchParams),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireSection(request, 'review');
  return handleQueueForm(request);
}

export default function ReviewQueuePage() {
  const { page, stats, calibration, detectorCalibration, filter, filterSearch, groupBySeries, after, territories, studios, policyTerritories, categories, rulesByPack, me, now, notice } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const claiming = navigation.formData?.get('intent') === 'claimNext';
  const filtered = filterSearch !== '';
  const empty = outcome && 'empty' in outcome && outcome.empty;
  const listSearch = [filterSearch, groupBySeries ? 'group=series' : ''].filter(Boolean).join('&');
  return (
    <>
      <header className="page-header page-header-actions">
        <div>
          <h1>Review queue</h1>
          <p className="muted">Episodes studios submitted for compliance review, highest priority first: risk, then SLA, release date and age.</p>
        </div>
        <Form method="post" className="claim-next">
          <input type="hidden" name="filter" value={filterSearch} />
          <button type="submit" name="intent" value="claimNext" className="button button-large" disabled={claiming}>
            {claiming ? 'Claiming…' : 'Claim next'}
          </button>
          <p className="muted small">{filtered ? 'From the filtered queue' : 'From the whole queue'}</p>
        </Form>
      </header>

      <Notice>{notice}</Notice>
      <FormAlert fieldErrors={outcome?.fieldErrors}>{outcome?.formError}</FormAlert>
      <div role="status">
        {empty ? (
          <EmptyState title="Nothing to claim right now">
            <p>
              {filtered
                ? 'No case matching these filters is waiting for you. Clear the filters to take from the whole queue.'
                : 'Every waiting case is claimed, held, escalated to leads, or from a studio you belong to. Check back soon.'}
            </p>
          </EmptyState>
        ) : null}
      </div>

      <QueueStatsPanel stats={stats} />

      <section className="panel" aria-labelledby="queue-heading">
        <div className="panel-heading">
          <h2 id="queue-heading">Waiting for a reviewer</h2>
        </div>
        <QueueFilters key={listSearch} filter={filter} groupBySeries={groupBySeries} territories={territories} policyTerritories={policyTerritories} categories={categories} rulesByPack={rulesByPack} studios={studios} />
        {page.cases.length === 0 ? (
          <EmptyState title={filtered ? 'No cases match these filters' : 'Nothing waiting for review'}>
            <p>
              {filtered ? (
                <Link to="/review">Show the whole queue</Link>
              ) : (
                'When a studio submits episodes for compliance review, they appear here once screened.'
              )}
            </p>
          </EmptyState>
        ) : (
          <>
            <QueueTable cases={page.cases} territories={territories} filterSearch={filterSearch} now={now} me={me} groupBySeries={groupBySeries} />
            <p className="pager">
              {after ? <Link to={withSearch('/review', listSearch)}>First page</Link> : null}
              {page.nextCursor ? (
                <Link to={withSearch('/review', [listSearch, `after=${encodeURIComponent(page.nextCursor)}`].filter(Boolean).join('&'))}>Next page</Link>
              ) : null}
            </p>
          </>
        )}
      </section>

      <CalibrationChart rows={calibration} days={CALIBRATION_DAYS} />
      <DetectorCalibration rows={detectorCalibration} days={CALIBRATION_DAYS} />
    </>
  );
}
