import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createLiveSeries, createPartner } from './support/publishing';
import { rawExchange } from './support/raw-http';
import { TestServer, type SignedInMember } from './support/server';
import { graphql } from '../../schema/graphql';

/**
 * Limits with the default configuration: /graphql takes at most 2 MiB from anyone, while a license
 * document (up to LICENSE_DOCUMENT_MAX_BYTES, 10 MiB) has its own route; a license holds at most
 * LICENSE_DOCUMENT_MAX_PER_LICENSE (50) documents.
 */
let server: TestServer;
let owner: SignedInMember;
let seriesId: string;

beforeAll(async () => {
  server = await TestServer.start();
  const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN, 'Operator');
  const lead = await server.addMember(admin.organizationId, Role.LEAD);
  const partner = await createPartner(server, admin);
  ({ owner, seriesId } = await createLiveSeries(server, lead, 1, partner.organizationId));
}, 180_000);
afterAll(() => server?.stop());

describe('request body limits', () => {
  it('/graphql refuses a 3 MB body with 413, signed in or not', async () => {
    const query = `query { __typename } # ${'x'.repeat(3_000_000)}`;
    for (const headers of [{}, { authorization: `Bearer ${owner.token}` }] as Array<Record<string, string>>) {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
      expect(res.status).toBe(413);
      const { errors } = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', reason: 'BODY_TOO_LARGE' });
      expect(errors[0]!.message).toMatch(/larger than the 2 MiB a request may be/);
    }
  });

  it('refused before its body is read (no session, an API key, not a PDF), a 1 GiB upload is answered at once and its connection closes', async () => {
    const send = (headers: string) => rawExchange(server.url, [`POST /license-documents?seriesId=${seriesId}&fileName=a.pdf HTTP/1.1\r\nHost: api\r\n${headers}Content-Length: ${2 ** 30}\r\n\r\n%PDF-1.4`]);
    for (const [headers, status] of [
      ['Content-Type: application/pdf\r\n', 401],
      [`Authorization: Bearer ${owner.token}\r\nContent-Type: text/plain\r\n`, 415],
    ] as const) {
      const r = await send(headers);
      expect(r.text, headers).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(r.text.toLowerCase(), headers).toContain('connection: close');
      expect(r.closedAfterMs, headers).not.toBeNull();
      expect(r.closedAfterMs, headers).toBeLessThan(8_000);
    }
  });

  it('the license document route accepts a 10 MiB PDF and serves it back intact', async () => {
    expect(server.config.licenseDocuments.maxBytes).toBe(10 * 1024 ** 2);
    const head = Buffer.from('%PDF-1.7\n% a long agreement\n');
    const tail = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const bytes = Buffer.concat([head, Buffer.alloc(10 * 1024 ** 2 - head.length - tail.length, 0x20), tail]);
    const res = await fetch(`${server.url}/license-documents?${new URLSearchParams({ seriesId, fileName: 'long-agreement.pdf' })}`, { method: 'POST', headers: { 'content-type': 'application/pdf', authorization: `Bearer ${owner.token}` }, body: bytes });
    expect(res.status).toBe(201);
    const document = (await res.json()) as { id: string; fileName: string; sizeBytes: number; downloadUrl: string };
    expect(document).toMatchObject({ fileName: 'long-agreement.pdf', sizeBytes: 10 * 1024 ** 2 });
    const file = await fetch(`${server.url}${document.downloadUrl}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('a license holds at most 50 documents: the next is refused with reason and field, also when attached at once; nothing of it is stored', async () => {
    expect(server.config.licenseDocuments.maxPerLicense).toBe(50);
    const pdf = (n: number) => Buffer.from(`%PDF-1.7\n% exhibit ${n}\n%%EOF\n`);
    const attach = async (n: number) => {
      const res = await fetch(`${server.url}/license-documents?${new URLSearchParams({ seriesId, fileName: `exhibit-${n}.pdf` })}`, { method: 'POST', headers: { 'content-type': 'application/pdf', authorization: `Bearer ${owner.token}` }, body: pdf(n) });
      return { status: res.status, body: (await res.json()) as { id: string; error?: string; code?: string; reason?: string; field?: string } };
    };
    const listed = async () => (await server.gql(graphql('query($id: ID!) { series(id: $id) { license { documents { id } } } }'), { id: seriesId }, { token: owner.token })).data!.series.license!.documents;
    const files = async () => (await readdir(path.join(server.config.mediaDir, 'documents')).catch(() => [] as string[])).length;
    const rows = async () => ((await server.orm.em.getConnection().execute(`select count(*)::int as n from license_document`)) as Array<{ n: number }>)[0]!.n;
    const already = (await listed()).length;
    for (let n = already; n < 45; n++) expect((await attach(n)).status).toBe(201);
    // Ten at once for the last five places: exactly five get in.
    const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => attach(100 + i)));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = racing.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'LICENSE_DOCUMENTS_FULL', field: 'seriesId' });
      expect(r.body.error).toMatch(/already has 50 documents/);
    }
    expect(await listed()).toHaveLength(50);
    expect(await rows()).toBe(50);
    expect(await files()).toBe(50);
    const more = await attach(200);
    expect(more.body).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'LICENSE_DOCUMENTS_FULL', field: 'seriesId' });
    expect(await files()).toBe(50);
    // Removing one makes room for one.
    const [first] = await listed();
    expect((await server.gql(graphql('mutation($id: ID!) { removeLicenseDocument(id: $id) }'), { id: first!.id }, { token: owner.token })).errors).toBeUndefined();
    expect((await attach(201)).status).toBe(201);
    expect((await attach(202)).body.reason).toBe('LICENSE_DOCUMENTS_FULL');
    expect(await listed()).toHaveLength(50);
  }, 120_000);
});
