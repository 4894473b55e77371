import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { SeriesForm } from '~/components/series-form';
import { requireCatalog } from '~/models/catalog-access.server';
import { handleSeriesForm } from '~/models/catalog-form.server';
import { listTerritories } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';

export const meta: MetaFunction = () => [{ title: 'New series · Catalog · Greenlight' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCatalog(request, { edit: true });
  return { territories: await expectData(request, await listTerritories(request)) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { studio } = await requireCatalog(request, { edit: true });
  return handleSeriesForm(request, { studioId: studio.id });
}

export default function NewSeriesPage() {
  const { territories } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/catalog">Catalog</Link>
        <span aria-hidden="true"> / </span>
      </nav>
      <header className="page-header">
        <h1>New series</h1>
        <p className="muted">Describe the series; you add its episodes, license and prices next.</p>
      </header>
      <SeriesForm territories={territories} outcome={outcome} busy={navigation.state === 'submitting'} submitLabel="Create series" />
    </>
  );
}
