import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { LocalizedTextsPanel } from '~/components/localized-texts-panel';
import { requireCatalog } from '~/models/catalog-access.server';
import { expectData } from '~/models/graphql.server';
import { getSeriesLocalizations, handleLocalizationForm } from '~/models/localized-text.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const series = await expectData(request, await getSeriesLocalizations(request, params.seriesId!));
  return { series, canEdit };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  return handleLocalizationForm(request, await request.formData(), { of: 'series', id: params.seriesId! });
}

export default function SeriesLocalizationPage() {
  const { series, canEdit } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const sending = navigation.state === 'submitting' ? navigation.formData : undefined;
  const busy = sending ? `${String(sending.get('intent'))}|${String(sending.get('target'))}` : undefined;
  return <LocalizedTextsPanel of="series" texts={series.localizations} originalLanguage={series.originalLanguage} canEdit={canEdit} outcome={outcome} busy={busy} />;
}
