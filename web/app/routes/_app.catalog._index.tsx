import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useFetcher, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { EmptyState } from '~/components/empty-state';
import { SeriesCardItem } from '~/components/series-card';
import { requireCatalog } from '~/models/catalog-access.server';
import { listSeries } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';

export const meta: MetaFunction = () => [{ title: 'Catalog · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { studio, canEdit } = await requireCatalog(request);
  const params = new URL(request.url).searchParams;
  const search = params.get('search')?.trim() ?? '';
  const archived = params.get('archived') === '1';
  const page = await expectData(request, await listSeries(request, { studioId: studio.id, search, includeArchived: archived, after: params.get('after') }));
  return { studio: studio.name, canEdit, search, archived, page };
}

export default function CatalogPage() {
  const { studio, canEdit, search, archived, page } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const searching = navigation.state === 'loading' && navigation.location.pathname === '/catalog';
  const more = useFetcher<typeof loader>();
  const [later, setLater] = useState<typeof page.series>([]);
  const [cursor, setCursor] = useState(page.nextCursor);

  // A new first page (another search, or after a change) starts the list again.
  useEffect(() => {
    setLater([]);
    setCursor(page.nextCursor);
  }, [page]);

  useEffect(() => {
    if (!more.data) return;
    const next = more.data.page;
    setLater((rows) => [...rows, ...next.series]);
    setCursor(next.nextCursor);
  }, [more.data]);

  const series = [...page.series, ...later];
  const filtered = Boolean(search) || archived;

  return (
    <>
      <header className="page-header page-header-actions">
        <div>
          <h1>Catalog</h1>
          <p className="muted">{studio}&apos;s series, episodes and the rights attached to them.</p>
        </div>
        <div className="header-actions">
          <a className="button button-secondary" href="/catalog/avails.csv" download>
            Download catalog avails (CSV)
          </a>
          {canEdit ? (
            <Link className="button" to="/catalog/new">
              New series
            </Link>
          ) : null}
        </div>
      </header>

      <Form method="get" className="toolbar" role="search" aria-label="Series">
        <div className="field toolbar-search">
          <label htmlFor="series-search">Search series</label>
          <input id="series-search" type="search" name="search" defaultValue={search} placeholder="Title contains…" key={search} />
        </div>
        <div className="check toolbar-check">
          <input
            id="show-archived"
            type="checkbox"
            name="archived"
            value="1"
            defaultChecked={archived}
            key={String(archived)}
            onChange={(event) => event.currentTarget.form?.requestSubmit()}
          />
          <label htmlFor="show-archived">Show archived</label>
        </div>
        <button type="submit" className="button button-secondary" disabled={searching}>
          {searching ? 'Searching…' : 'Search'}
        </button>
      </Form>

      {series.length === 0 ? (
        filtered ? (
          <EmptyState title="No series match">
            <p>{search ? <>Nothing in the catalog has “{search}” in its title{archived ? '' : ' (archived series are hidden)'}.</> : 'There are no series to show.'}</p>
            <p>
              <Link to="/catalog">Show all series</Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No series yet">
            <p>
              Each series collects its episodes, prices per territory and the license that lets you show it. {canEdit ? 'Start with the first one.' : 'An owner or editor of your studio adds them.'}
            </p>
            {canEdit ? (
              <p>
                <Link className="button" to="/catalog/new">
                  New series
                </Link>
              </p>
            ) : null}
          </EmptyState>
        )
      ) : (
        <>
          <h2 className="visually-hidden">Series</h2>
          <ul className="series-grid">
            {series.map((s) => (
              <SeriesCardItem key={s.id} series={s} />
            ))}
          </ul>
          {cursor ? (
            <more.Form method="get" action="/catalog" className="load-more">
              <input type="hidden" name="index" value="" />
              {search ? <input type="hidden" name="search" value={search} /> : null}
              {archived ? <input type="hidden" name="archived" value="1" /> : null}
              <input type="hidden" name="after" value={cursor} />
              <button type="submit" className="button button-secondary" disabled={more.state !== 'idle'}>
                {more.state !== 'idle' ? 'Loading…' : 'Load more'}
              </button>
            </more.Form>
          ) : null}
        </>
      )}
    </>
  );
}
