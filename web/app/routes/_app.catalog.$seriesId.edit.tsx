import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { FormAlert, Notice } from '~/components/forms';
import { SeriesDetailsView } from '~/components/series-details';
import { SeriesForm } from '~/components/series-form';
import { requireCatalog } from '~/models/catalog-access.server';
import { handleSeriesForm } from '~/models/catalog-form.server';
import { getSeriesDetails, listTerritories } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const [series, territories] = await Promise.all([
    getSeriesDetails(request, params.seriesId!).then((r) => expectData(request, r)),
    listTerritories(request).then((r) => expectData(request, r)),
  ]);
  return { series, territories, canEdit };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { studio } = await requireCatalog(request, { edit: true });
  return handleSeriesForm(request, { studioId: studio.id, seriesId: params.seriesId! });
}

export default function EditSeriesPage() {
  const { series, territories, canEdit } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : undefined;
  if (!canEdit) return <SeriesDetailsView series={series} territories={territories} />;

  const saveOutcome = outcome?.intent === 'save' ? outcome : undefined;
  const archiveOutcome = outcome && outcome.intent !== 'save' ? outcome : undefined;
  return (
    <>
      <Notice>{saveOutcome?.notice}</Notice>
      {/* Re-keyed on save so the form shows what the API stored (e.g. normalised language tags). */}
      <SeriesForm key={series.updatedAt} series={series} territories={territories} outcome={saveOutcome} busy={busyIntent === 'save'} submitLabel="Save changes" />

      <section className="panel panel-quiet" aria-labelledby="archive-heading">
        <h2 id="archive-heading">{series.archivedAt ? 'Restore' : 'Archive'}</h2>
        <Notice>{archiveOutcome?.notice}</Notice>
        <FormAlert fieldErrors={archiveOutcome?.fieldErrors}>{archiveOutcome?.formError}</FormAlert>
        {series.archivedAt ? (
          <p className="muted">This series is archived: it is hidden from the catalog list and left out of the catalog avails. Restoring it brings it back.</p>
        ) : (
          <p className="muted">Archiving hides the series from the catalog list and the catalog avails. Its episodes, prices and history stay, and you can restore it later.</p>
        )}
        <Form method="post">
          <input type="hidden" name="intent" value={series.archivedAt ? 'restore' : 'archive'} />
          <button type="submit" className={series.archivedAt ? 'button' : 'button button-danger'} disabled={busyIntent === 'archive' || busyIntent === 'restore'}>
            {series.archivedAt ? 'Restore series' : 'Archive series'}
          </button>
        </Form>
      </section>
    </>
  );
}
