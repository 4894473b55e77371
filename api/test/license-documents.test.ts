import { randomUUID } from 'node:crypto';
import { parse as parseContentDisposition } from 'content-disposition';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicenseDocument } from '../src/modules/chain-of-title/license-document.entity';
import { LicenseDocumentService, ownStorageKey } from '../src/modules/chain-of-title/license-document.service';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { globalId } from '../src/modules/publishing/global-id';
import { seriesWithEpisodes } from './support/catalog';
import { CATALOG, createLiveSeries, createPartner } from './support/publishing';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { graphql } from '../../schema/graphql';

/**
 * Chain of title: contract PDFs attached to a license. The studio (owners and editors) attaches them,
 * the studio and the operator's people list and download them through signed, expiring URLs, and
 * nobody else — another studio, a partner (person or API key), an anonymous caller — reaches them.
 */
const MAX_BYTES = 4096;
const pdf = (text: string, size?: number) => {
  const head = Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n`);
  const tail = Buffer.from('trailer << /Root 1 0 R >>\n%%EOF\n');
  // Padding goes before the trailer: %%EOF stays at the end, as in any PDF.
  return Buffer.concat([head, Buffer.alloc(size ? size - head.length - tail.length : 0, 0x20), tail]);
};
const REMOVE = graphql('mutation($id: ID!) { removeLicenseDocument(id: $id) }');
const LIST = graphql('query($id: ID!) { series(id: $id) { license { documents { id fileName sizeBytes sha256 downloadUrl createdAt } } } }');
type Doc = { id: string; fileName: string; sizeBytes: number; sha256: string; downloadUrl: string };

let server: TestServer;
let owner: SignedInMember;
let editor: SignedInMember;
let viewer: SignedInMember;
let stranger: SignedInMember;
let reviewer: SignedInMember;
let lead: SignedInMember;
let admin: SignedInMember;
let partner: SignedInMember & { key: string };
let seriesId: string;
let contract: Doc;

type Attached = { status: number; data?: { attachLicenseDocument: Doc }; errors?: Array<{ message: string; extensions: { code: string; field?: string } }> };
/** `POST /license-documents` with the PDF as the body, its answer put in the shape of a GraphQL result. */
const attach = async (token: string | undefined, bytes: Buffer, fileName = 'adaptation-agreement.pdf', series = seriesId, contentType = 'application/pdf'): Promise<Attached> => {
  const res = await fetch(`${server.url}/license-documents?${new URLSearchParams({ seriesId: series, fileName })}`, { method: 'POST', headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: bytes });
  const body = (await res.json()) as Doc & { error?: string; code?: string; field?: string };
  if (res.ok) return { status: res.status, data: { attachLicenseDocument: body } };
  return { status: res.status, errors: [{ message: body.error!, extensions: { code: body.code!, ...(body.field ? { field: body.field } : {}) } }] };
};
const list = (token: string | undefined, series = seriesId) => server.gql(LIST, { id: series }, { token });
const storedDocuments = async () => (await readdir(path.join(server.config.mediaDir, 'documents')).catch(() => [] as string[])).sort();
const fileOf = (documentId: string) => path.basename(ownStorageKey(documentId));
const state = async () => JSON.stringify([await server.orm.em.getConnection().execute('select * from license_document order by id'), await storedDocuments()]);
const download = (url: string, token?: string) => fetch(`${server.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  server = await TestServer.start({ LICENSE_DOCUMENT_MAX_BYTES: String(MAX_BYTES) });
  admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN, 'Operator');
  reviewer = await server.addMember(admin.organizationId, Role.REVIEWER);
  lead = await server.addMember(admin.organizationId, Role.LEAD);
  partner = await createPartner(server, admin);
  // A series live for the partner: whatever the partner can read of it must not carry a document.
  const live = await createLiveSeries(server, lead, 2, partner.organizationId);
  owner = live.owner;
  seriesId = live.seriesId;
  editor = await server.addMember(owner.organizationId, Role.EDITOR);
  viewer = await server.addMember(owner.organizationId, Role.VIEWER);
  stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Elsewhere');
  const res = await attach(editor.token, pdf('contract LP-2026-114'));
  expect(res.errors).toBeUndefined();
  contract = res.data!.attachLicenseDocument;
}, 180_000);
afterAll(() => server?.stop());

describe('license documents (chain of title)', () => {
  it('an editor attaches a contract PDF; the studio lists it on the license and downloads exactly its bytes', async () => {
    expect(contract).toMatchObject({ fileName: 'adaptation-agreement.pdf', sizeBytes: pdf('contract LP-2026-114').length });
    expect(contract.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const member of [owner, editor, viewer]) {
      const res = await list(member.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.series.license!.documents.map((d) => d.id)).toEqual([contract.id]);
      const file = await download(res.data!.series.license!.documents[0]!.downloadUrl);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toBe('attachment; filename=adaptation-agreement.pdf');
      expect(Buffer.from(await file.arrayBuffer()).equals(pdf('contract LP-2026-114'))).toBe(true);
    }
    const audit = (await server.orm.em.getConnection().execute(`select action, summary from audit_event where action = 'license.document_attached'`)) as Array<{ summary: { documentId: string } }>;
    expect(audit.map((a) => a.summary.documentId)).toContain(contract.id);
  });

  it('reviewers, leads and admins read the documents too', async () => {
    for (const member of [reviewer, lead, admin]) {
      const res = await list(member.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.series.license!.documents.map((d) => d.id)).toEqual([contract.id]);
      expect((await download(res.data!.series.license!.documents[0]!.downloadUrl)).status).toBe(200);
    }
  });

  it('partners never see a document: not in the catalog, not via node(id), not via the license', async () => {
    const secrets = [contract.id, contract.fileName, contract.sha256, 'documents/', 'downloadUrl'];
    const catalog = await server.gql(CATALOG, { t: 'US', first: 20, eps: 20 }, { token: partner.key });
    // The series is live for the partner: the catalog shows it, with nothing of its documents.
    expect(catalog.data!.catalog.nodes.map((n) => n.id)).toContain(globalId('CatalogSeries', seriesId, 'US'));
    const seen: unknown[] = [catalog];
    for (const id of [contract.id, globalId('CatalogSeries', seriesId, 'US'), seriesId]) seen.push(await server.gql(graphql('query($id: ID!) { node(id: $id) { id ... on CatalogSeries { title licensor } } }'), { id }, { token: partner.key }));
    for (const token of [partner.key, partner.token]) {
      const res = await list(token);
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(errorCode(res));
      seen.push(res);
      const removed = await server.gql(REMOVE, { id: contract.id }, { token });
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(errorCode(removed));
      seen.push(removed);
    }
    const text = JSON.stringify(seen);
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    expect((await list(owner.token)).data!.series.license!.documents).toHaveLength(1);
  });

  it('another studio and an anonymous caller cannot list, attach, remove or fetch; nothing changes', async () => {
    const before = await state();
    expect(errorCode(await list(stranger.token))).toBe('NOT_FOUND');
    expect(errorCode(await list(undefined))).toBe('UNAUTHENTICATED');
    expect(errorCode(await attach(stranger.token, pdf('planted')))).toBe('NOT_FOUND');
    expect(errorCode(await attach(undefined, pdf('planted')))).toBe('UNAUTHENTICATED');
    expect(errorCode(await attach(partner.key, pdf('planted')))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(REMOVE, { id: contract.id }, { token: stranger.token }))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(REMOVE, { id: contract.id }))).toBe('UNAUTHENTICATED');
    // A viewer of the studio itself reads but does not change.
    expect(errorCode(await attach(viewer.token, pdf('viewer')))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(REMOVE, { id: contract.id }, { token: viewer.token }))).toBe('FORBIDDEN');
    // Without a signed URL (a session or a guess is not enough) the file is not served.
    for (const token of [undefined, stranger.token, owner.token]) {
      expect((await download(`/media/license-documents/${contract.id}`, token)).status).toBe(403);
    }
    expect(await state()).toBe(before);
  });

  it('a download URL works only as signed and only until it expires', async () => {
    const url = new URL(contract.downloadUrl, server.url);
    const other = (await attach(owner.token, pdf('side letter'), 'side-letter.pdf')).data!.attachLicenseDocument;
    const forged = [
      `${url.pathname}?expires=${url.searchParams.get('expires')}&signature=${url.searchParams.get('signature')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `${url.pathname}?expires=${Number(url.searchParams.get('expires')) + 3600}&signature=${url.searchParams.get('signature')}`,
      `/media/license-documents/${other.id}${url.search}`,
      `${url.pathname}?expires=${url.searchParams.get('expires')}`,
    ];
    for (const attempt of forged) expect((await download(attempt)).status, attempt).toBe(403);
    const signer = new LicenseDocumentService(undefined as never, undefined as never, server.config);
    const stale = signer.downloadUrl(Object.assign(new LicenseDocument(), { id: contract.id }), Date.now() - (server.config.licenseDocuments.urlTtlSeconds + 5) * 1000);
    const expired = await download(stale);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: string }).error).toMatch(/expired/);
    expect((await download(signer.downloadUrl(Object.assign(new LicenseDocument(), { id: contract.id })))).status).toBe(200);
    expect(errorCode(await server.gql(REMOVE, { id: other.id }, { token: owner.token }))).toBeUndefined();
  });

  it('forged and malformed ids name nothing', async () => {
    const before = await state();
    for (const id of [randomUUID(), 'not-an-id', `${contract.id}x`]) expect(errorCode(await server.gql(REMOVE, { id }, { token: owner.token }))).toBe('NOT_FOUND');
    for (const series of [randomUUID(), 'not-an-id']) expect(errorCode(await attach(owner.token, pdf('x'), 'x.pdf', series))).toBe('NOT_FOUND');
    const url = new URL(contract.downloadUrl, server.url);
    for (const id of [randomUUID(), '..%2F..%2Fmedia', 'not-an-id']) expect((await download(`/media/license-documents/${id}${url.search}`)).status).toBe(403);
    expect(await state()).toBe(before);
  });

  it('a file that is not a PDF is refused naming the field, whatever it is called; nothing is stored', async () => {
    const before = await state();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const cases: Array<[string, Buffer, RegExp, string?]> = [
      ['contract.pdf', png, /not a PDF/],
      ['contract.pdf', Buffer.from('Dear licensor, this is plain text, not %PDF-1.7'), /not a PDF/],
      ['contract.pdf', Buffer.alloc(0), /empty/],
      ['contract.pdf', pdf('sent as something else'), /application\/pdf/, 'application/octet-stream'],
    ];
    for (const [fileName, content, message, contentType] of cases) {
      const res = await attach(owner.token, content, fileName, seriesId, contentType);
      expect(errorCode(res), fileName).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.field).toBe('file');
      expect(res.errors![0]!.message).toMatch(message);
    }
    const badName = await attach(owner.token, pdf('x'), '../../etc/contract.pdf');
    expect(badName.status).toBe(400);
    expect(badName.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    expect(await state()).toBe(before);
  });

  it('a header alone, or HTML after the header, is not a PDF; names with bidi/format characters or only dots are refused; a stored name always ends in .pdf', async () => {
    const before = await state();
    for (const [fileName, content] of [['contract.pdf', Buffer.from('%PDF-1.7')], ['evil.html', Buffer.from('%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n')]] as const) {
      const res = await attach(owner.token, content, fileName);
      expect(res.status, fileName).toBe(400);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file' });
      expect(res.errors![0]!.message).toMatch(/not a PDF/);
    }
    for (const fileName of ['agreement\u202Efdp.exe', 'contract\u200B.pdf', '..', '...']) {
      const res = await attach(owner.token, pdf('named oddly'), fileName);
      expect(res.status, JSON.stringify(fileName)).toBe(400);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    }
    expect(await state()).toBe(before);
    const renamed = (await attach(owner.token, pdf('a real pdf named like a web page'), 'evil.html')).data!.attachLicenseDocument;
    expect(renamed.fileName).toBe('evil.html.pdf');
    const file = await download(renamed.downloadUrl);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename=evil.html.pdf');
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(errorCode(await server.gql(REMOVE, { id: renamed.id }, { token: owner.token }))).toBeUndefined();
  });

  it('a download names the file exactly (RFC 6266/8187) with an ASCII fallback, whatever characters its name has', async () => {
    const names = ['Vertrag für Ärger.pdf', '合同 第2版.pdf', 'say "hi" bye.pdf', 'terms; filename=evil.exe.pdf', 'résumé;"q";.pdf', 'clip 🎬 rights.pdf', "it's 100% fine.pdf"];
    const attached: Doc[] = [];
    for (const fileName of names) {
      const res = await attach(owner.token, pdf(`named ${fileName}`), fileName);
      expect(res.status, fileName).toBe(201);
      attached.push(res.data!.attachLicenseDocument);
    }
    // A stored name with a line break (as no upload can make it now) must not break the header either.
    const legacy = attached.at(-1)!;
    await server.orm.em.getConnection().execute(`update license_document set file_name = ? where id = ?`, ['line\r\nSet-Cookie: stolen=1.pdf', legacy.id]);
    for (const [i, document] of attached.entries()) {
      const expected = document === legacy ? 'line\r\nSet-Cookie: stolen=1.pdf' : names[i]!;
      const file = await download(document.downloadUrl);
      expect(file.status, expected).toBe(200);
      expect(file.headers.get('set-cookie')).toBeNull();
      const header = file.headers.get('content-disposition')!;
      expect(header, expected).toMatch(/^attachment; filename="?[\x20-\x7e]*$/);
      // One line of printable ASCII (the fallback); the exact name, when it needs more, travels as UTF-8 in `filename*`.
      const extended = /; filename\*=UTF-8''([A-Za-z0-9%!#$&+.^_`|~-]+)$/.exec(header);
      if (extended) expect(decodeURIComponent(extended[1]!), expected).toBe(expected);
      expect(parseContentDisposition(header), expected).toMatchObject({ type: 'attachment', parameters: { filename: expected } });
    }
    for (const document of attached) expect(errorCode(await server.gql(REMOVE, { id: document.id }, { token: owner.token }))).toBeUndefined();
  });

  it('a name with a line break or other control character is refused naming the field; nothing is stored', async () => {
    const before = await state();
    for (const fileName of ['a\r\nSet-Cookie: x=1.pdf', 'tab\tbell\u0007.pdf', 'nul\u0000.pdf']) {
      const res = await attach(owner.token, pdf('control characters'), fileName);
      expect(res.status, JSON.stringify(fileName)).toBe(400);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    }
    expect(await state()).toBe(before);
  });

  it('removing another studio’s document answers exactly like removing one that does not exist', async () => {
    const before = await state();
    const theirs = await server.gql(REMOVE, { id: contract.id }, { token: stranger.token });
    const nobodys = await server.gql(REMOVE, { id: randomUUID() }, { token: stranger.token });
    expect(errorCode(theirs)).toBe('NOT_FOUND');
    expect(theirs.errors![0]!.message).toBe(nobodys.errors![0]!.message);
    expect(theirs.errors![0]!.extensions).toEqual({ ...nobodys.errors![0]!.extensions, requestId: theirs.errors![0]!.extensions.requestId });
    expect(await state()).toBe(before);
  });

  it(`a file over the limit (${MAX_BYTES} bytes here) is refused naming the field and the limit; one at the limit is accepted`, async () => {
    const before = await state();
    const over = await attach(owner.token, pdf('too long', MAX_BYTES + 1));
    expect(over.status).toBe(413);
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file' });
    expect(over.errors![0]!.message).toContain('at most 4.0 KiB');
    expect(await state()).toBe(before);
    const exact = await attach(owner.token, pdf('just fits', MAX_BYTES));
    expect(exact.errors).toBeUndefined();
    expect(exact.data!.attachLicenseDocument.sizeBytes).toBe(MAX_BYTES);
    expect(errorCode(await server.gql(REMOVE, { id: exact.data!.attachLicenseDocument.id }, { token: owner.token }))).toBeUndefined();
  });

  it('removing one document from several requests at once removes it once: one answer names it, one audit event records it', async () => {
    const doc = await attach(owner.token, pdf('raced'), 'raced.pdf');
    const id = doc.data!.attachLicenseDocument.id;
    const answers = await Promise.all([owner, editor, owner, editor, owner].map((m) => server.gql(REMOVE, { id }, { token: m.token })));
    expect(answers.filter((a) => a.data?.removeLicenseDocument === id)).toHaveLength(1);
    expect(answers.filter((a) => errorCode(a) === 'NOT_FOUND')).toHaveLength(4);
    const [events] = (await server.orm.em.getConnection().execute(`select count(*)::int as n from audit_event where action = 'license.document_removed' and summary->>'documentId' = ?`, [id])) as Array<{ n: number }>;
    expect(events!.n).toBe(1);
  });

  it.each([['gzip'], ['deflate'], ['x-weird']])('a body sent with Content-Encoding %s is refused in the route\'s JSON, naming the file, and nothing is stored', async (encoding) => {
    const before = await state();
    const res = await fetch(`${server.url}/license-documents?${new URLSearchParams({ seriesId, fileName: 'packed.pdf' })}`, { method: 'POST', headers: { 'content-type': 'application/pdf', 'content-encoding': encoding, authorization: `Bearer ${owner.token}` }, body: pdf('packed') });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file', error: expect.stringContaining('Content-Encoding') });
    expect(await state()).toBe(before);
  });

  it('a series without a license takes no documents', async () => {
    const bare = await seriesWithEpisodes(server, owner.token, owner.organizationId, 0, { title: 'Unlicensed' });
    const before = await state();
    const res = await attach(owner.token, pdf('early'), 'early.pdf', bare);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'seriesId' });
    expect(await state()).toBe(before);
  });

  it('a removed document is gone: not listed, not served, its own file deleted; a copy of the same bytes keeps its file', async () => {
    const twin = await attach(owner.token, pdf('contract LP-2026-114'), 'copy-of-agreement.pdf');
    expect(twin.data!.attachLicenseDocument.sha256).toBe(contract.sha256);
    expect(await storedDocuments()).toEqual([fileOf(contract.id), fileOf(twin.data!.attachLicenseDocument.id)].sort());
    expect(await server.gql(REMOVE, { id: twin.data!.attachLicenseDocument.id }, { token: editor.token })).toMatchObject({ data: { removeLicenseDocument: twin.data!.attachLicenseDocument.id } });
    // The same bytes are still the other document's, in its own file.
    expect(await storedDocuments()).toEqual([fileOf(contract.id)]);
    const url = (await list(owner.token)).data!.series.license!.documents[0]!.downloadUrl;
    expect((await download(url)).status).toBe(200);
    await server.gql(REMOVE, { id: contract.id }, { token: editor.token });
    expect((await list(owner.token)).data!.series.license!.documents).toEqual([]);
    expect((await download(url)).status).toBe(404);
    expect(await storedDocuments()).toEqual([]);
    const audit = (await server.orm.em.getConnection().execute(`select count(*)::int as n from audit_event where action = 'license.document_removed'`)) as Array<{ n: number }>;
    expect(audit[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('attaching and removing the same PDF concurrently, across two studios, never loses a remaining document’s file', async () => {
    const other = await createLiveSeries(server, lead, 1, partner.organizationId);
    const bytes = pdf('shared boilerplate agreement');
    for (let round = 0; round < 12; round++) {
      const mine = (await attach(owner.token, bytes, `round-${round}.pdf`)).data!.attachLicenseDocument;
      // Studio A removes its copy while both studios attach the very same bytes.
      const [removed, theirs, again] = await Promise.all([
        server.gql(REMOVE, { id: mine.id }, { token: owner.token }),
        attach(other.owner.token, bytes, `theirs-${round}.pdf`, other.seriesId),
        attach(editor.token, bytes, `again-${round}.pdf`),
      ]);
      expect(removed.errors).toBeUndefined();
      expect(theirs.errors).toBeUndefined();
      expect(again.errors).toBeUndefined();
    }
    const remaining = [...(await list(owner.token)).data!.series.license!.documents, ...(await list(other.owner.token, other.seriesId)).data!.series.license!.documents];
    expect(remaining).toHaveLength(24);
    for (const document of remaining) {
      const file = await download(document.downloadUrl);
      expect(file.status, document.fileName).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(bytes), document.fileName).toBe(true);
    }
    for (const document of remaining) await server.gql(REMOVE, { id: document.id }, { token: document.fileName.startsWith('theirs') ? other.owner.token : owner.token });
    expect(await storedDocuments()).toEqual([]);
  });

  it('a document whose file is missing from storage answers 404 with a clear message, not 500', async () => {
    const lost = (await attach(owner.token, pdf('misplaced'), 'misplaced.pdf')).data!.attachLicenseDocument;
    await unlink(path.join(server.config.mediaDir, ownStorageKey(lost.id)));
    const res = await download(lost.downloadUrl);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/missing/);
    expect(errorCode(await server.gql(REMOVE, { id: lost.id }, { token: owner.token }))).toBeUndefined();
  });
});
