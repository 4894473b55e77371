import { graphql } from '~/graphql';
import { LicenseDocumentFields, type LicenseDocumentItem } from '~/components/license-documents';
import { gql, type ApiResult } from './graphql.server';
import { failed, formString, rejected, succeeded } from './forms.server';

const LICENSE_DOCUMENTS = graphql(
  `query LicenseDocuments($id: ID!) { series(id: $id) { license { documents { ...LicenseDocumentFields } } } }`,
  [LicenseDocumentFields],
);
const ATTACH_LICENSE_DOCUMENT = graphql(`
  mutation AttachLicenseDocument($seriesId: ID!, $input: LicenseDocumentInput!) { attachLicenseDocument(seriesId: $seriesId, input: $input) { id } }
`);
const REMOVE_LICENSE_DOCUMENT = graphql(`mutation RemoveLicenseDocument($id: ID!) { removeLicenseDocument(id: $id) }`);

/** The contract PDFs behind a series' license (chain of title); none while it has no license. */
export async function getLicenseDocuments(request: Request, seriesId: string): Promise<ApiResult<LicenseDocumentItem[]>> {
  const result = await gql(request, LICENSE_DOCUMENTS, { id: seriesId });
  return result.ok ? { ok: true, data: result.data.series.license?.documents ?? [] } : result;
}

export const DOCUMENT_INTENTS = ['attachDocument', 'removeDocument'] as const;

/** Attaches the uploaded PDF (`document`) or removes one (`documentId`); the API checks the file. */
export async function handleLicenseDocumentForm(request: Request, seriesId: string, form: FormData) {
  const intent = formString(form, 'intent');
  if (intent === 'removeDocument') {
    const result = await gql(request, REMOVE_LICENSE_DOCUMENT, { id: formString(form, 'documentId') });
    if (!result.ok) return failed(request, result.error, { intent });
    return succeeded({ intent, notice: 'The document is removed.' });
  }
  const file = form.get('document');
  if (!(file instanceof File) || file.size === 0) return rejected({ intent, fieldErrors: { contentBase64: 'Choose the contract PDF to attach.' } });
  const contentBase64 = Buffer.from(await file.arrayBuffer()).toString('base64');
  const result = await gql(request, ATTACH_LICENSE_DOCUMENT, { seriesId, input: { fileName: file.name, contentBase64 } });
  if (!result.ok) return failed(request, result.error, { intent, fields: ['contentBase64', 'fileName'] });
  return succeeded({ intent, notice: `“${file.name}” is attached to the license.` });
}
