import type { TestServer } from './server';

/** `POST /license-documents` with the PDF as the body, as the dashboard sends it; the status and JSON answer. */
export async function postLicenseDocument(server: TestServer, token: string | undefined, seriesId: string, fileName: string, bytes: Buffer): Promise<{ status: number; body: { id: string; fileName: string; error?: string; code?: string; field?: string } }> {
  const res = await fetch(`${server.url}/license-documents?${new URLSearchParams({ seriesId, fileName })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/pdf', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as { id: string; fileName: string } };
}
