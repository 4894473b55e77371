import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { episodesLabel } from '~/components/series-card';
import { statusSummary } from '~/models/catalog';
import { requireCatalog } from '~/models/catalog-access.server';
import { getSeriesCard } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.series.title} · Catalog · Greenlight` : 'Catalog · Greenlight' }];

/** The series all its pages share: title, state and the tabs between them. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const series = await expectData(request, await getSeriesCard(request, params.seriesId!));
  return { series, canEdit };
}

export default function SeriesLayout() {
  const { series, canEdit } = useLoaderData<typeof loader>();
  const summary = statusSummary(series.statusCounts);
  const base = `/catalog/${series.id}`;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/catalog">Catalog</Link>
        <span aria-hidden="true"> / </span>
      </nav>
      <header className="page-header series-header">
        <h1>
          {series.title} {series.archivedAt ? <span className="badge badge-muted">Archived</span> : null}
        </h1>
        <p className="muted">
          {episodesLabel(series.episodeCount)}
          {summary ? ` · ${summary}` : ''}
        </p>
      </header>
      <nav className="tabs" aria-label="Series">
        <ul>
          <li>
            <NavLink to={base} end prefetch="intent">
              Episodes
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/edit`} prefetch="intent">
              {canEdit ? 'Edit details' : 'Details'}
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/localization`} prefetch="intent">
              Localization
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/license`} prefetch="intent">
              License
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/pricing`} prefetch="intent">
              Pricing
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/distribution`} prefetch="intent">
              Distribution
            </NavLink>
          </li>
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
