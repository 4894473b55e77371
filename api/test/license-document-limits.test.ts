import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { createLiveSeries, createPartner } from './support/publishing';
import { TestServer, type SignedInMember } from './support/server';

/**
 * Body limits with the default configuration: /graphql takes at most 2 MiB from anyone, while a
 * license document (up to LICENSE_DOCUMENT_MAX_BYTES, 10 MiB) has its own route.
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
      expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/too large/);
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
});
