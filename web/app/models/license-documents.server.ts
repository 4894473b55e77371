import { graphql } from '~/graphql';
import { LicenseDocumentFields, type LicenseDocumentItem } from '~/components/license-documents';
import { env } from './env.server';
import { gql, isKnownApiCode, requestIdOf, type ApiError, type ApiErrorCode, type ApiResult } from './graphql.server';
import { readSessionToken } from './session.server';
import { failed, formString, rejected, succeeded } from './forms.server';

const LICENSE_DOCUMENTS = graphql(
  `query LicenseDocuments($id: ID!) { series(id: $id) { license { documents { ...LicenseDocumentFields } } } }`,
  [LicenseDocumentFields],
);
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
  if (!(file instanceof File) || file.size === 0) return rejected({ intent, fieldErrors: { file: 'Choose the contract PDF to attach.' } });
  const error = await postLicenseDocument(request, seriesId, file);
  if (error) return failed(request, error, { intent, fields: ['file', 'fileName'] });
  return succeeded({ intent, notice: `“${file.name}” is attached to the license.` });
}

/**
 * Sends the PDF to the API's license document route (`POST /license-documents`, the file as the
 * body: too large for a GraphQL request), as the signed-in user; the API's refusal, or none.
 */
async function postLicenseDocument(request: Request, seriesId: string, file: File): Promise<ApiError | null> {
  const token = await readSessionToken(request);
  const requestId = requestIdOf(request);
  const headers: Record<string, string> = { 'content-type': 'application/pdf', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (requestId) headers['x-request-id'] = requestId;
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const url = new URL(`/license-documents?${new URLSearchParams({ seriesId, fileName: file.name })}`, env.apiUrl);
  try {
    const response = await fetch(url, { method: 'POST', headers, body: Buffer.from(await file.arrayBuffer()), signal: AbortSignal.timeout(env.apiTimeoutMs) });
    if (response.ok) return null;
    const body = (await response.json().catch(() => ({}))) as { error?: string; code?: string; field?: string; requestId?: string };
    const code: ApiErrorCode = isKnownApiCode(body.code) ? body.code : 'INTERNAL_SERVER_ERROR';
    const message = code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong on our side. Quote the request id when reporting it.' : (body.error ?? 'The file was refused.');
    return { code, reason: code, message, field: body.field, requestId: body.requestId ?? requestId };
  } catch (error) {
    console.error(`[${requestId}] the API did not answer: ${String(error)}`);
    return { code: 'INTERNAL_SERVER_ERROR', reason: 'API_UNREACHABLE', message: 'The Greenlight API is not answering right now. Try again in a moment.', requestId };
  }
}
