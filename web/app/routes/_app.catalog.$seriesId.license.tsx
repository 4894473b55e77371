import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Notice } from '~/components/forms';
import { LicenseDetails } from '~/components/license-details';
import { LicenseDocuments } from '~/components/license-documents';
import { LicenseForm } from '~/components/license-form';
import { requireCatalog } from '~/models/catalog-access.server';
import { handleLicenseForm } from '~/models/catalog-form.server';
import { getLicense, listTerritories } from '~/models/catalog.server';
import { expectData } from '~/models/graphql.server';
import { DOCUMENT_INTENTS, getLicenseDocuments, handleLicenseDocumentForm } from '~/models/license-documents.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { canEdit } = await requireCatalog(request);
  const [license, territories, documents] = await Promise.all([
    getLicense(request, params.seriesId!).then((r) => expectData(request, r)),
    listTerritories(request).then((r) => expectData(request, r)),
    getLicenseDocuments(request, params.seriesId!).then((r) => expectData(request, r)),
  ]);
  return { license, territories, documents, canEdit };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireCatalog(request, { edit: true });
  // License documents come as their own forms (a file upload or a removal) on the same page.
  const form = await request.clone().formData();
  if ((DOCUMENT_INTENTS as readonly unknown[]).includes(form.get('intent'))) return handleLicenseDocumentForm(request, params.seriesId!, form);
  return handleLicenseForm(request, params.seriesId!);
}

export default function LicensePage() {
  const { license, territories, documents, canEdit } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting';
  // Documents belong to a license: shown once there is one.
  const chainOfTitle = license ? <LicenseDocuments documents={documents} canEdit={canEdit} outcome={outcome} busy={busy} /> : null;
  if (!canEdit) {
    return (
      <>
        <LicenseDetails license={license} territories={territories} />
        {chainOfTitle}
      </>
    );
  }
  return (
    <>
      <p className="muted">
        The IP license says where and when the series may be shown and how it may be sold. Availability and the avails export follow it.
      </p>
      <Notice>{outcome?.notice}</Notice>
      {/* Re-keyed on save so the form shows what the API stored; after a refusal it keeps what was typed. */}
      <LicenseForm key={license?.updatedAt ?? 'none'} license={license} territories={territories} outcome={outcome?.intent === 'saveLicense' ? outcome : undefined} busy={busy} />
      {chainOfTitle}
    </>
  );
}
