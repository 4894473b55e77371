import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Notice } from '~/components/forms';
import { LicenseDetails } from '~/components/license-details';
import { LicenseForm } from '~/components/license-form';
import { requireCatalog } from '~/models/catalog-access.server';
import { handleLicenseForm } from '~/models/catalog-form.server';
import { getLicense, listTerritories } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const [license, territories] = await Promise.all([
    getLicense(request, params.seriesId!).then((r) => expectData(request, r)),
    listTerritories(request).then((r) => expectData(request, r)),
  ]);
  return { license, territories, canEdit };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  return handleLicenseForm(request, params.seriesId!);
}

export default function LicensePage() {
  const { license, territories, canEdit } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  if (!canEdit) return <LicenseDetails license={license} territories={territories} />;
  return (
    <>
      <p className="muted">
        The IP license says where and when the series may be shown and how it may be sold. Availability and the avails export follow it.
      </p>
      <Notice>{outcome?.notice}</Notice>
      {/* Re-keyed on save so the form shows what the API stored; after a refusal it keeps what was typed. */}
      <LicenseForm key={license?.updatedAt ?? 'none'} license={license} territories={territories} outcome={outcome} busy={navigation.state === 'submitting'} />
    </>
  );
}
