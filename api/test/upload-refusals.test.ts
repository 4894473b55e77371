import { existsSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ERRORS } from '@tus/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { hasVisibleText } from '../src/domain/text-input';
import { REFUSAL_HEADER, UPLOAD_STATUS } from '../src/uploads/upload-refusals';
import { seriesWithEpisodes } from './support/catalog';
import { createPartner } from './support/publishing';
import { eventually } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { seededRandom } from './support/seeded-random';
import { tusMetadata } from './support/tus';

// Every refusal at /uploads — ours, the tus library's, authentication's, the rate limiter's — must
// carry an `Upload-Refusal-Reason` the one reason→status table knows, with that table's status, and
// a body in our words: a client words the refusal by its reason, and nobody sees the library's text.

const LIMIT = 5 * 1024 * 1024;
const DECLARED = 1000;
let server: TestServer;
let editor: SignedInMember;
let viewer: SignedInMember;
let stranger: SignedInMember;
let apiKey: string;
let episodeId: string;

const EPISODES = graphql(`query RefusalEpisodes($id: ID!) { series(id: $id) { episodes { nodes { id } } } }`);

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_MAX_BYTES: String(LIMIT) });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  viewer = await server.addMember(editor.organizationId, Role.VIEWER);
  stranger = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  const admin = await server.member(OrganizationKind.OPERATOR, Role.ADMIN);
  apiKey = (await createPartner(server, admin)).key;
  const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
  const res = await server.gql(EPISODES, { id: seriesId }, { token: editor.token });
  episodeId = res.data!.series.episodes.nodes[0]!.id;
}, 120_000);
afterAll(() => server?.stop());

const goodMetadata = () => tusMetadata({ episodeId, filename: 'scene.mp4', filetype: 'video/mp4' });

type Headers = Record<string, string | undefined>;
const tus = (token: string | null = editor.token): Headers => ({ 'tus-resumable': '1.0.0', ...(token ? { authorization: `Bearer ${token}` } : {}) });

async function send(method: string, target: string, headers: Headers, body?: RequestInit["body"]): Promise<Response> {
  const clean = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  return fetch(`${server.url}${target}`, { method, headers: clean, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
}

/** A fresh upload of the episode, declared as DECLARED bytes; its path under /uploads. */
async function createUpload(): Promise<string> {
  const res = await send('POST', '/uploads', { ...tus(), 'upload-length': String(DECLARED), 'upload-metadata': goodMetadata() });
  expect(res.status, await res.clone().text()).toBe(201);
  return new URL(res.headers.get('location')!, server.url).pathname;
}

const patch = (target: string, offset: string | undefined, body: RequestInit["body"] = 'x', extra: Headers = {}) =>
  send('PATCH', target, { ...tus(), 'upload-offset': offset, 'content-type': 'application/offset+octet-stream', ...extra }, body);

async function offsetOf(target: string): Promise<number> {
  const res = await send('HEAD', target, tus());
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

const storedBytes = (target: string) => {
  const file = path.join(server.config.uploads.dir, path.basename(target));
  return existsSync(file) ? statSync(file).size : 0;
};

/** Every file the local upload store holds (uploads and their sidecars). */
const storedFiles = () => (existsSync(server.config.uploads.dir) ? readdirSync(server.config.uploads.dir).sort() : []);

/** The library's sentences, and its other words: none may reach a client. */
const LIBRARY_TEXT = [...Object.values(ERRORS).map((e) => e.body.trim()), 'Tus-Resumable Required', 'Not found', 'Invalid '];

/** Fails unless `res` is a refusal worded by a reason of the table. Returns the reason. */
async function expectRefusal(res: Response, what: string): Promise<string> {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  const reason = res.headers.get(REFUSAL_HEADER);
  expect(reason, `${what}: ${REFUSAL_HEADER}`).toBeTruthy();
  expect(Object.keys(UPLOAD_STATUS), `${what}: ${reason} is in the table`).toContain(reason);
  expect(res.status, `${what}: the table's status for ${reason}`).toBe(UPLOAD_STATUS[reason as keyof typeof UPLOAD_STATUS]);
  const body = (await res.text()).trim();
  if (res.status < 500) expect(reason, what).not.toBe('INTERNAL_SERVER_ERROR');
  if (what.startsWith('HEAD')) return reason!;
  expect(body.length, `${what}: a sentence`).toBeGreaterThan(10);
  for (const text of LIBRARY_TEXT) expect(body, `${what}: not the library's words`).not.toContain(text);
  return reason!;
}

describe('each hostile tus request is refused with its own reason, in our words', () => {
  let upload: string;
  beforeAll(async () => {
    upload = await createUpload();
  });
  const unknown = '/uploads/0123456789abcdef0123456789abcdef';

  const cases: Array<[string, string, () => Promise<Response>, RegExp?]> = [
    ['a creation without Upload-Length', 'UPLOAD_LENGTH_REQUIRED', () => send('POST', '/uploads', { ...tus(), 'upload-metadata': goodMetadata() }), /Upload-Length/],
    ['a creation deferring its length', 'UPLOAD_LENGTH_REQUIRED', () => send('POST', '/uploads', { ...tus(), 'upload-defer-length': '1', 'upload-metadata': goodMetadata() }), /Upload-Length/],
    ['an Upload-Length that is not a number', 'UPLOAD_LENGTH_INVALID', () => send('POST', '/uploads', { ...tus(), 'upload-length': 'lots', 'upload-metadata': goodMetadata() }), /Upload-Length/],
    ['a negative Upload-Length', 'UPLOAD_LENGTH_INVALID', () => send('POST', '/uploads', { ...tus(), 'upload-length': '-5', 'upload-metadata': goodMetadata() }), /Upload-Length/],
    ['an Upload-Length over the limit', 'UPLOAD_TOO_LARGE', () => send('POST', '/uploads', { ...tus(), 'upload-length': String(LIMIT + 1), 'upload-metadata': goodMetadata() }), /5\.0 MiB/],
    ['an Upload-Length past 2^53, too large like any other', 'UPLOAD_TOO_LARGE', () => send('POST', '/uploads', { ...tus(), 'upload-length': '9007199254740993', 'upload-metadata': goodMetadata() }), /5\.0 MiB/],
    ['Upload-Metadata that is not key/base64 pairs', 'UPLOAD_METADATA_INVALID', () => send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': 'episodeId ???,filename' }), /Upload-Metadata/],
    ['Upload-Metadata with a key twice', 'UPLOAD_METADATA_INVALID', () => send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': `${goodMetadata()},filename ${Buffer.from('b.mp4').toString('base64')}` }), /Upload-Metadata/],
    ['a file name with a direction override that disguises its extension', 'UPLOAD_METADATA_INVALID', () => send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': tusMetadata({ episodeId, filename: 'ep11\u202Egnp.mp4', filetype: 'video/mp4' }) }), /filename|file name/],
    ['a file name with a path separator', 'UPLOAD_METADATA_INVALID', () => send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': tusMetadata({ episodeId, filename: '../ep11.mp4', filetype: 'video/mp4' }) }), /slashes/],
    ['an upload in parts (Upload-Concat)', 'UPLOAD_EXTENSION_UNSUPPORTED', () => send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-concat': 'partial', 'upload-metadata': goodMetadata() }), /Upload-Concat/],
    ['no Tus-Resumable', 'TUS_RESUMABLE_UNSUPPORTED', () => send('POST', '/uploads', { authorization: `Bearer ${editor.token}`, 'upload-length': '10', 'upload-metadata': goodMetadata() }), /Tus-Resumable/],
    ['a Tus-Resumable version the server does not speak', 'TUS_RESUMABLE_UNSUPPORTED', () => send('POST', '/uploads', { ...tus(), 'tus-resumable': '0.2.2', 'upload-length': '10', 'upload-metadata': goodMetadata() }), /Tus-Resumable/],
    ['a malformed X-Forwarded-Proto', 'UPLOAD_HEADER_INVALID', () => send('POST', '/uploads', { ...tus(), 'x-forwarded-proto': 'gopher', 'upload-length': '10', 'upload-metadata': goodMetadata() }), /x-forwarded-proto/i],
    ['no credentials', 'UNAUTHENTICATED', () => send('POST', '/uploads', { ...tus(null), 'upload-length': '10', 'upload-metadata': goodMetadata() }), /Sign in/],
    ['a session token that is not one', 'UNAUTHENTICATED', () => send('POST', '/uploads', { ...tus('not-a-token'), 'upload-length': '10', 'upload-metadata': goodMetadata() })],
    ['a partner API key', 'FORBIDDEN', () => send('POST', '/uploads', { ...tus(apiKey), 'upload-length': '10', 'upload-metadata': goodMetadata() }), /API key/],
    ['a GET of the endpoint', 'UPLOAD_METHOD_NOT_ALLOWED', () => send('GET', '/uploads', tus()), /POST, HEAD, PATCH/],
    ['a PUT of an upload', 'UPLOAD_METHOD_NOT_ALLOWED', () => send('PUT', upload, tus(), 'x')],
    ['a PATCH of an unknown upload', 'NOT_FOUND', () => patch(unknown, '0'), /No such upload/],
    ['a PATCH of an id that is no upload id', 'NOT_FOUND', () => patch('/uploads/..%2F..%2Fetc', '0'), /No such upload/],
    ['a HEAD of an unknown upload', 'NOT_FOUND', () => send('HEAD', unknown, tus())],
    ['a DELETE of an unknown upload', 'NOT_FOUND', () => send('DELETE', unknown, tus()), /No such upload/],
    ['a PATCH by another studio', 'NOT_FOUND', () => send('PATCH', upload, { ...tus(stranger.token), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, 'x')],
    ['a PATCH by a viewer of the studio', 'ROLE_REQUIRED', () => send('PATCH', upload, { ...tus(viewer.token), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, 'x'), /owners and editors/],
    ['a PATCH without Upload-Offset', 'UPLOAD_OFFSET_REQUIRED', () => patch(upload, undefined), /Upload-Offset/],
    ['a negative Upload-Offset', 'UPLOAD_OFFSET_INVALID', () => patch(upload, '-1'), /Upload-Offset/],
    ['an Upload-Offset that is not where the upload stands', 'UPLOAD_OFFSET_CONFLICT', () => patch(upload, '5'), /HEAD/],
    ['a PATCH without Content-Type', 'UPLOAD_CONTENT_TYPE_INVALID', () => send('PATCH', upload, { ...tus(), 'upload-offset': '0' }, 'x'), /application\/offset\+octet-stream/],
    ['a PATCH with another Content-Type', 'UPLOAD_CONTENT_TYPE_INVALID', () => patch(upload, '0', 'x', { 'content-type': 'video/mp4' }), /application\/offset\+octet-stream/],
    ['a PATCH changing the declared length', 'UPLOAD_LENGTH_INVALID', () => patch(upload, '0', 'x', { 'upload-length': '2000' }), /Upload-Length/],
    ['a PATCH past the declared length', 'UPLOAD_LENGTH_EXCEEDED', () => patch(upload, '0', Buffer.alloc(DECLARED + 1, 1)), /declared/],
  ];

  for (const [what, expected, attempt, words] of cases) {
    it(`${what}: ${expected}`, async () => {
      const before = { offset: await offsetOf(upload), stored: storedBytes(upload), rows: await server.count('episode_upload') };
      const res = await attempt();
      const method = what.startsWith('a HEAD') ? 'HEAD' : what;
      const reason = await expectRefusal(res.clone(), method);
      expect(reason).toBe(expected);
      if (words) expect(await res.text()).toMatch(words);
      // Nothing changed: no upload created, no byte written.
      expect(await offsetOf(upload)).toBe(before.offset);
      expect(storedBytes(upload)).toBe(before.stored);
      expect(await server.count('episode_upload')).toBe(before.rows);
    });
  }

  it('the table gives every reason a 4xx, except our own failure (500) and the database out of reach (503)', () => {
    const ours: Record<string, number> = { INTERNAL_SERVER_ERROR: 500, SERVICE_UNAVAILABLE: 503 };
    for (const [reason, status] of Object.entries(UPLOAD_STATUS)) {
      if (reason in ours) {
        expect(status, reason).toBe(ours[reason]);
        continue;
      }
      expect(status, reason).toBeGreaterThanOrEqual(400);
      expect(status, reason).toBeLessThan(500);
    }
  });
});

describe('a PATCH going past the declared Upload-Length', () => {
  it('with a Content-Length beyond what is left: UPLOAD_LENGTH_EXCEEDED before a byte is written', async () => {
    const upload = await createUpload();
    expect((await patch(upload, '0', Buffer.alloc(600, 1))).status).toBe(204);
    const res = await patch(upload, '600', Buffer.alloc(401, 2));
    expect(await expectRefusal(res, 'PATCH')).toBe('UPLOAD_LENGTH_EXCEEDED');
    expect(await offsetOf(upload)).toBe(600);
    expect(storedBytes(upload)).toBe(600);
    // The rest, exactly, still goes in.
    expect((await patch(upload, '600', Buffer.alloc(400, 3))).status).toBe(204);
  });

  it('streamed without a Content-Length: refused with UPLOAD_LENGTH_EXCEEDED, and nothing beyond the declared length is stored', async () => {
    const upload = await createUpload();
    const chunks = [Buffer.alloc(700, 1), Buffer.alloc(700, 2)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const res = await patch(upload, '0', body);
    expect(await expectRefusal(res, 'PATCH')).toBe('UPLOAD_LENGTH_EXCEEDED');
    expect(storedBytes(upload)).toBeLessThanOrEqual(DECLARED);
    expect(await offsetOf(upload)).toBeLessThanOrEqual(DECLARED);
  });
});

/** Advisory locks held now on the server's database (upload locks are the only ones). */
/**
 * Advisory locks still held once the unlocks already queued have run: PostgresLocker.release queues
 * its unlock on the lock session rather than hold the answer back a round trip, so a lock may outlive
 * its answer by that round trip. Waits up to 2 s for none; a lock left held fails.
 */
async function locksHeldAfterQueuedUnlocks(on: TestServer): Promise<number> {
  return eventually(() => advisoryLocksHeld(on), (n) => n === 0, 'the queued unlocks', 2_000).catch(() => advisoryLocksHeld(on));
}

async function advisoryLocksHeld(on: TestServer): Promise<number> {
  // pg_locks spans the cluster, which test files running beside this one share: only this server's database counts.
  const rows = await on.orm.em.getConnection().execute(`select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`);
  return (rows[0] as { n: number }).n;
}

describe("a PATCH refused before it writes leaves its upload's lock free", () => {
  it('after refusals for its headers, its offset and its body, no lock is held and the next PATCH writes', async () => {
    const upload = await createUpload();
    expect(await expectRefusal(await patch(upload, undefined), 'PATCH')).toBeTruthy();
    expect(await expectRefusal(await patch(upload, '0', 'x', { 'content-type': 'text/plain' }), 'PATCH')).toBeTruthy();
    expect(await expectRefusal(await patch(upload, '5'), 'PATCH')).toBeTruthy();
    expect(await expectRefusal(await patch(upload, '0', Buffer.alloc(DECLARED + 1)), 'PATCH')).toBeTruthy();
    expect(await expectRefusal(await patch(upload, '0', 'x', { authorization: `Bearer ${viewer.token}` }), 'PATCH')).toBe('ROLE_REQUIRED');
    expect(await locksHeldAfterQueuedUnlocks(server)).toBe(0);
    expect((await patch(upload, '0', 'abc')).status).toBe(204);
    expect(await locksHeldAfterQueuedUnlocks(server)).toBe(0);
    expect(await offsetOf(upload)).toBe(3);
  });
});

const EPISODE_STATUS = graphql(`query RefusedCreationEpisode($id: ID!) { episode(id: $id) { status } }`);
/** A draft episode of its own, so the status a refused creation must leave it in is DRAFT. */
async function draftEpisode(): Promise<string> {
  const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
  const res = await server.gql(EPISODES, { id: seriesId }, { token: editor.token });
  return res.data!.series.episodes.nodes[0]!.id;
}
const statusOf = async (id: string) => (await server.gql(EPISODE_STATUS, { id }, { token: editor.token })).data!.episode.status;

describe('a refused creation changes nothing', () => {
  const creation = (id: string, body: RequestInit['body']) =>
    send('POST', '/uploads', { ...tus(), 'upload-length': '3', 'content-type': 'application/offset+octet-stream', 'upload-metadata': tusMetadata({ episodeId: id, filename: 'scene.mp4', filetype: 'video/mp4' }) }, body);

  const bodies: Array<[string, () => RequestInit['body']]> = [
    ['with a Content-Length past the declared length', () => 'abcdef'],
    [
      'streamed without a Content-Length past the declared length',
      () => {
        const chunks = ['abc', 'def'];
        return new ReadableStream<Uint8Array>({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(new TextEncoder().encode(next));
            else controller.close();
          },
        });
      },
    ],
  ];
  for (const [what, body] of bodies) {
    it(`a creation-with-upload ${what}: UPLOAD_LENGTH_EXCEEDED, no upload recorded, the draft stays a draft`, async () => {
      const id = await draftEpisode();
      const before = { rows: await server.count('episode_upload'), files: storedFiles() };
      const res = await creation(id, body());
      expect(await expectRefusal(res.clone(), 'POST')).toBe('UPLOAD_LENGTH_EXCEEDED');
      expect(res.headers.get('location')).toBeNull();
      expect(await server.count('episode_upload')).toBe(before.rows);
      expect(await statusOf(id)).toBe('DRAFT');
      expect(storedFiles()).toEqual(before.files);
    });
  }
});

describe('who is asking: a malformed Authorization header and a token nobody issued are told apart', () => {
  const VIEWER = graphql(`query UploadAuthViewer { viewer { kind } }`);
  const create = (authorization: string) => send('POST', '/uploads', { ...tus(null), authorization, 'upload-length': '10', 'upload-metadata': goodMetadata() });
  /** The upload refusal's words, checked to be the ones GraphQL answers for the same header. */
  async function refusedAlike(authorization: string): Promise<string> {
    const before = await server.count('episode_upload');
    const res = await create(authorization);
    expect(await expectRefusal(res.clone(), authorization)).toBe('UNAUTHENTICATED');
    const words = (await res.text()).trim();
    const gql = await server.gql(VIEWER, {}, { headers: { authorization } });
    expect(gql.errors?.[0]?.extensions?.code, authorization).toBe('UNAUTHENTICATED');
    expect(gql.errors![0]!.message, authorization).toBe(words);
    expect(await server.count('episode_upload')).toBe(before);
    return words;
  }

  const malformed = ['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer ', `Bearer  ${'a'.repeat(20)}`, 'Bearer a b', `bearer-${'a'.repeat(20)}`, 'Token abcdefghijkl', 'Bearer tok=en', `Bearer ${'a'.repeat(20)},`];
  for (const header of malformed) {
    it(`${JSON.stringify(header)} is told the header's shape`, async () => {
      expect(await refusedAlike(header)).toMatch(/Authorization header must be 'Bearer <token>'/);
    });
  }

  const unknown: Array<[string, () => string, RegExp]> = [
    ['a short word (Bearer nope)', () => 'Bearer nope', /not a Greenlight session token or API key/],
    ['a word of the token alphabet, not a token', () => 'Bearer not-a-token', /not a Greenlight session token or API key/],
    ['b64token characters no token of ours has', () => 'Bearer abc.def/ghi+jkl==', /not a Greenlight session token or API key/],
    ['a token longer than any issued', () => `Bearer gls_${'A'.repeat(400)}`, /not a Greenlight session token or API key/],
    ['a session token nobody issued', () => `Bearer gls_${'A'.repeat(43)}`, /session has ended/],
    ['an API key nobody issued', () => `Bearer glk_0123abcd_${'A'.repeat(43)}`, /API key is not valid/],
  ];
  for (const [what, header, words] of unknown) {
    it(`a well-formed header with ${what}: UNAUTHENTICATED for the token, not the header`, async () => {
      const said = await refusedAlike(header());
      expect(said).not.toMatch(/Bearer <token>/);
      expect(said).toMatch(words);
    });
  }

  it('a well-formed header with an expired session token: UNAUTHENTICATED saying the session expired', async () => {
    const member = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
    await server.orm.em.getConnection().execute(`update session set expires_at = now() - interval '1 minute' where user_id = ?`, [member.userId]);
    const said = await refusedAlike(`Bearer ${member.token}`);
    expect(said).not.toMatch(/Bearer <token>/);
    expect(said).toMatch(/session has expired/);
  });
});

describe('metadata values that are no text to read', () => {
  /** Raw base64 values, so bytes that are not UTF-8 can be sent. */
  const rawMetadata = (fields: Record<string, string | Buffer>) =>
    Object.entries(fields)
      .map(([k, v]) => `${k} ${(typeof v === 'string' ? Buffer.from(v) : v).toString('base64')}`)
      .join(',');
  const notUtf8: Array<[string, Buffer]> = [
    ['a byte no UTF-8 text has (0xFF)', Buffer.from([0x73, 0xff, 0x2e, 0x6d, 0x70, 0x34])],
    ['a sequence cut short (0xE2 0x82)', Buffer.concat([Buffer.from([0xe2, 0x82]), Buffer.from('.mp4')])],
    ['an overlong slash (0xC0 0xAF)', Buffer.concat([Buffer.from('a'), Buffer.from([0xc0, 0xaf]), Buffer.from('.mp4')])],
    ['a surrogate in UTF-8 (0xED 0xA0 0x80)', Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('.mp4')])],
    ['Latin-1 rather than UTF-8', Buffer.from('Café.mp4', 'latin1')],
  ];
  const invisible = ['\u200B', '\u200B\u200B.mp4', ' .mp4', '\u2060\uFEFF\u200D.mov', '\u3000\u00A0', '\u2800.webm', '\u0301.mp4', '.mp4'];
  type Fields = Record<string, string | Buffer>;
  /** Read when the test runs: the episode exists only then. */
  const fields = (change: Fields): (() => Fields) => () => ({ episodeId, filename: 'scene.mp4', filetype: 'video/mp4', ...change });
  const cases: Array<[string, string, () => Fields]> = [
    ...notUtf8.map(([what, bytes]): [string, string, () => Fields] => [`a filename with ${what}`, 'filename', fields({ filename: bytes })]),
    ...invisible.map((name): [string, string, () => Fields] => [`a filename of nothing that shows (${JSON.stringify(name)})`, 'filename', fields({ filename: name })]),
    ...['episodeId', 'filetype', 'audioLanguage', 'sha256', 'duration'].map((key): [string, string, () => Fields] => [`${key} with a byte no UTF-8 text has`, key, fields({ [key]: Buffer.from([0x65, 0xff]) })]),
    ['an episodeId of zero-width spaces', 'episodeId', fields({ episodeId: '\u200B\u200B' })],
    ['a filetype of zero-width spaces', 'filetype', fields({ filetype: '\u200B' })],
  ];
  for (const [what, key, meta] of cases) {
    it(`${what}: UPLOAD_METADATA_INVALID naming ${key}, nothing recorded`, async () => {
      const before = { rows: await server.count('episode_upload'), files: storedFiles() };
      const res = await send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': rawMetadata(meta()) });
      expect(await expectRefusal(res.clone(), 'POST')).toBe('UPLOAD_METADATA_INVALID');
      expect(await res.text()).toContain(key);
      expect(res.headers.get('location')).toBeNull();
      expect(await server.count('episode_upload')).toBe(before.rows);
      expect(storedFiles()).toEqual(before.files);
    });
  }

  it('a value in base64 with stray bits (not what encoding its bytes gives) is refused naming its key', async () => {
    // "cy5tcDQ=" is s.mp4; "cy5tcDR=" reads as the same bytes with a stray bit set, so it is not their base64.
    expect(Buffer.from('cy5tcDR=', 'base64').toString()).toBe('s.mp4');
    const before = await server.count('episode_upload');
    const res = await send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': rawMetadata({ episodeId, filetype: 'video/mp4' }) + ',filename cy5tcDR=' });
    expect(await expectRefusal(res.clone(), 'POST')).toBe('UPLOAD_METADATA_INVALID');
    expect(await res.text()).toContain('filename');
    expect(await server.count('episode_upload')).toBe(before);
  });

  it('random bytes as a file name: a creation is taken only when they are UTF-8 text with something that shows before the extension', async () => {
    const seed = Number(process.env.UPLOAD_WALK_SEED ?? Date.now() % 1_000_000);
    const next = seededRandom(seed);
    const pieces = [[0xff], [0xc3], [0xe2, 0x80, 0x8b], [0xef, 0xbb, 0xbf], [0x20], [0xc2, 0xa0], [0xed, 0xb0, 0x80], [0x61], [0xc3, 0xa9], [0xe2, 0x81, 0xa0], [0xcc, 0x81], [0x80]];
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let i = 0; i < 30; i++) {
      const stem = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]!).flat());
      const name = Buffer.concat([stem, Buffer.from('.mp4')]);
      let text: string | undefined;
      try {
        text = strict.decode(stem);
      } catch {
        text = undefined;
      }
      const readable = text !== undefined && hasVisibleText(text);
      const res = await send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'upload-metadata': rawMetadata(fields({ filename: name })()) });
      const what = `seed ${seed} #${i} ${name.toString('hex')}`;
      if (readable) {
        expect(res.status, what).toBe(201);
        await send('DELETE', new URL(res.headers.get('location')!, server.url).pathname, tus());
      } else {
        expect(await expectRefusal(res.clone(), what), what).toBe('UPLOAD_METADATA_INVALID');
        expect(await res.text(), what).toContain('filename');
      }
    }
  });
});

describe('a creation whose body is not the file’s bytes', () => {
  const creation = (id: string, contentType: string | undefined, body: RequestInit['body']) =>
    send('POST', '/uploads', { ...tus(), 'upload-length': '10', 'content-type': contentType, 'upload-metadata': tusMetadata({ episodeId: id, filename: 'scene.mp4', filetype: 'video/mp4' }) }, body);
  const streamed = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });

  const refused: Array<[string, string | undefined, () => RequestInit['body']]> = [
    ['10 bytes as text/plain', 'text/plain', () => '0123456789'],
    ['10 bytes without a Content-Type', undefined, () => new Uint8Array(10).fill(7)],
    ['10 bytes as application/octet-stream', 'application/octet-stream', () => new Uint8Array(10).fill(7)],
    ['10 bytes as the tus type with a parameter', 'application/offset+octet-stream; charset=utf-8', () => new Uint8Array(10).fill(7)],
    ['a byte as video/mp4', 'video/mp4', () => 'x'],
    ['bytes streamed (chunked) as text/plain', 'text/plain', () => streamed('0123456789')],
  ];
  for (const [what, contentType, body] of refused) {
    it(`${what}: UPLOAD_CONTENT_TYPE_INVALID naming Content-Type; no upload recorded, no tus state, the draft stays a draft`, async () => {
      const id = await draftEpisode();
      const before = { rows: await server.count('episode_upload'), files: storedFiles() };
      const res = await creation(id, contentType, body());
      expect(await expectRefusal(res.clone(), 'POST')).toBe('UPLOAD_CONTENT_TYPE_INVALID');
      expect(res.status).toBe(415);
      expect(await res.text()).toMatch(/Content-Type: application\/offset\+octet-stream/);
      expect(res.headers.get('location')).toBeNull();
      expect(await server.count('episode_upload')).toBe(before.rows);
      expect(storedFiles()).toEqual(before.files);
      expect(await statusOf(id)).toBe('DRAFT');
    });
  }

  const taken: Array<[string, string | undefined, () => RequestInit['body'], number]> = [
    ['no body, whatever its Content-Type', 'text/plain', () => undefined, 0],
    ['an empty body (Content-Length: 0) as text/plain', 'text/plain', () => '', 0],
    ['no body and no Content-Type', undefined, () => undefined, 0],
    ['its first bytes as application/offset+octet-stream', 'application/offset+octet-stream', () => new Uint8Array(4).fill(7), 4],
  ];
  for (const [what, contentType, body, offset] of taken) {
    it(`${what}: created, at offset ${offset}`, async () => {
      const res = await creation(await draftEpisode(), contentType, body());
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await offsetOf(new URL(res.headers.get('location')!, server.url).pathname)).toBe(offset);
    });
  }
});

describe('randomized hostile tus requests', () => {
  /** Seeded, so a failing run can be replayed with UPLOAD_WALK_SEED. */
  const random = seededRandom;
  const seed = Number(process.env.UPLOAD_WALK_SEED ?? Date.now() % 1_000_000);

  it(`every refusal of 200 random requests carries a reason of the table and our words (seed ${seed})`, async () => {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const upload = await createUpload();
    // A file name that is no UTF-8 text, or shows nothing: a creation naming it is never taken.
    const unreadable = [`${tusMetadata({ episodeId, filetype: 'video/mp4' })},filename ${Buffer.from([0x73, 0xff, 0x2e, 0x6d, 0x70, 0x34]).toString('base64')}`, tusMetadata({ episodeId, filename: '\u200B\u2060.mp4', filetype: 'video/mp4' })];
    const VALUES: Record<string, ReadonlyArray<string | undefined>> = {
      'tus-resumable': ['1.0.0', '1.0.0', '1.0.0', undefined, '0.2.2', '', '1.0'],
      authorization: [`Bearer ${editor.token}`, `Bearer ${editor.token}`, undefined, 'Bearer nope', 'Bearer not-a-token', `Bearer ${viewer.token}`, `Bearer ${stranger.token}`, `Bearer ${apiKey}`, 'Basic Zm9vOmJhcg=='],
      'upload-length': [String(DECLARED), undefined, '0', '-1', '1.5', 'abc', String(LIMIT + 1), '99999999999999999999'],
      'upload-offset': ['0', undefined, '-1', '3', '1e3', 'x', String(DECLARED), String(DECLARED + 1)],
      'upload-metadata': [goodMetadata(), undefined, '', 'episodeId', 'a b c', 'filename ???', tusMetadata({ episodeId, filename: 'a.txt', filetype: 'text/plain' }), tusMetadata({ episodeId: 'nope', filename: 'a.mp4', filetype: 'video/mp4' }), ...unreadable],
      'content-type': ['application/offset+octet-stream', undefined, 'text/plain', 'application/offset+octet-stream; x=1'],
      'upload-defer-length': [undefined, undefined, undefined, '1', '2'],
      'upload-concat': [undefined, undefined, undefined, 'partial', 'final;/uploads/a /uploads/b', 'bogus'],
      'x-forwarded-proto': [undefined, undefined, 'https', 'ftp'],
    };
    const targets = ['/uploads', upload, '/uploads/0123456789abcdef0123456789abcdef', '/uploads/..%2Fetc', '/uploads/a/b'];
    const methods = ['POST', 'PATCH', 'HEAD', 'DELETE', 'OPTIONS', 'GET', 'PUT'];
    let refusals = 0;
    for (let i = 0; i < 200; i++) {
      const method = pick(methods);
      const target = pick(targets);
      const headers = Object.fromEntries(Object.entries(VALUES).map(([name, values]) => [name, pick(values)]));
      const body = method === 'PATCH' || method === 'PUT' || method === 'POST' ? Buffer.alloc(Math.floor(next() * 3) * 700, 7) : undefined;
      const what = `#${i} ${method} ${target} ${JSON.stringify(headers)} ${body?.length ?? 0} bytes`;
      const res = await send(method, target, headers, body);
      // A creation's body is the file's first bytes only in tus's type; any other is refused, never dropped.
      if (method === 'POST' && body?.length && headers['content-type'] !== 'application/offset+octet-stream') expect(res.status, what).toBeGreaterThanOrEqual(400);
      if (method === 'POST' && unreadable.includes(headers['upload-metadata']!)) expect(res.status, what).toBeGreaterThanOrEqual(400);
      if (res.status < 400) continue;
      refusals++;
      // Every Bearer header here is well formed: a refusal of its token is about the token, not the header.
      if (res.headers.get(REFUSAL_HEADER) === 'UNAUTHENTICATED' && headers.authorization?.startsWith('Bearer ')) expect(await res.clone().text(), what).not.toMatch(/Bearer <token>/);
      await expectRefusal(res, method === 'HEAD' ? `HEAD ${what}` : what);
      expect(res.status, what).toBeLessThan(500);
    }
    expect(refusals).toBeGreaterThan(100);
    expect(storedBytes(upload)).toBeLessThanOrEqual(DECLARED);
  }, 120_000);
});

describe('requests Node’s HTTP parser refuses before any handler', () => {
  /**
   * Writes `request` (bytes as sent, framing included) on a fresh connection; the last response,
   * parsed. The client half-closes after writing unless `keepOpen` (then it waits for the server to
   * close): Node aborts the requests still being served when a client half-closes, so a refusal
   * waiting for their answers is only seen by a client that waits, as HTTP clients do.
   */
  async function raw(request: Buffer | string, { keepOpen = false } = {}): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const { port } = new URL(server.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => (keepOpen ? socket.write(request) : socket.end(request)));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    // The last response only (a keep-alive request before the broken one is answered first).
    const responses = text.split(/(?=HTTP\/1\.1 \d{3} )/);
    const last = responses[responses.length - 1]!;
    const [head, ...rest] = last.split('\r\n\r\n');
    const [statusLine, ...lines] = head!.split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    return { status: Number(statusLine!.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
  }
  const expectUnreadable = (res: { status: number; headers: Record<string, string>; body: string }, reason: string, what: string) => {
    expect(res.headers[REFUSAL_HEADER.toLowerCase()], what).toBe(reason);
    expect(res.status, what).toBe(UPLOAD_STATUS[reason as keyof typeof UPLOAD_STATUS]);
    expect(res.body.trim().length, `${what}: a sentence`).toBeGreaterThan(10);
  };
  const tusHead = (method: string, target: string, extra: string[]) =>
    [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1`, 'Tus-Resumable: 1.0.0', `Authorization: Bearer ${editor.token}`, ...extra, '', ''].join('\r\n');

  it('Upload-Metadata past Node’s header limit: HEADERS_TOO_LARGE (431) in words, not a bare status line', async () => {
    const huge = tusMetadata({ episodeId, filename: `${'a'.repeat(20_000)}.mp4`, filetype: 'video/mp4' });
    const res = await raw(tusHead('POST', '/uploads', [`Upload-Length: ${DECLARED}`, `Upload-Metadata: ${huge}`]));
    expectUnreadable(res, 'HEADERS_TOO_LARGE', 'a 27 KB Upload-Metadata');
    expect(res.body).toMatch(/headers \(Upload-Metadata included\) are larger than \d+ KiB/);
  });

  it('a Content-Length that is not a byte count: REQUEST_MALFORMED (400) naming the header; nothing is stored', async () => {
    const upload = await createUpload();
    for (const length of ['abc', '-1', '1 2', '0x10']) {
      const res = await raw(tusHead('PATCH', upload, ['Upload-Offset: 0', 'Content-Type: application/offset+octet-stream', `Content-Length: ${length}`]) + 'x'.repeat(16));
      expectUnreadable(res, 'REQUEST_MALFORMED', `Content-Length: ${length}`);
      expect(res.body).toContain('Content-Length');
    }
    expect(await offsetOf(upload)).toBe(0);
  });

  it('a body running past its Content-Length: the PATCH is answered and stored, then the rest is refused as REQUEST_MALFORMED; nothing past the declared bytes is stored', async () => {
    const upload = await createUpload();
    const res = await raw(tusHead('PATCH', upload, ['Upload-Offset: 0', 'Content-Type: application/offset+octet-stream', 'Content-Length: 10']) + '0123456789' + 'garbage that is no request\r\n\r\n', { keepOpen: true });
    expectUnreadable(res, 'REQUEST_MALFORMED', 'bytes after the body');
    // The refusal waited for the PATCH's own answer: its 10 bytes are stored, never the garbage.
    expect(await offsetOf(upload)).toBe(10);
    expect(storedBytes(upload)).toBe(10);
  });

  it('random bytes where a request should be are each answered with a reason of the table, and the server carries on', async () => {
    const seed = Number(process.env.UPLOAD_WALK_SEED ?? Date.now() % 1_000_000);
    let a = seed;
    const next = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      const res = await raw(Buffer.concat([junk, Buffer.from('\r\n\r\n')]));
      // Bytes that happen to read as a request reach a handler (a 404 or a tus refusal); the rest are the parser's.
      if (!res.headers[REFUSAL_HEADER.toLowerCase()]) continue;
      expect(Object.keys(UPLOAD_STATUS), `seed ${seed} #${i}`).toContain(res.headers[REFUSAL_HEADER.toLowerCase()]);
      expect(res.status, `seed ${seed} #${i}`).toBeLessThan(500);
    }
    const alive = await server.gql(graphql('{ uploadPolicy { maxBytes } }'), {}, { token: editor.token });
    expect(alive.data!.uploadPolicy.maxBytes).toBe(LIMIT);
  });
});

describe('the upload rate limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await TestServer.start({ USER_RATE_LIMIT_PER_MINUTE: '3' });
  }, 60_000);
  afterAll(() => limited?.stop());

  it('answers RATE_LIMITED with the table’s 429, Retry-After and our words', async () => {
    const member = await limited.member(OrganizationKind.STUDIO, Role.EDITOR);
    let last: Response | undefined;
    const headers = { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', authorization: `Bearer ${member.token}` };
    for (let i = 0; i < 5; i++) last = await fetch(`${limited.url}/uploads/0123456789abcdef0123456789abcdef`, { method: 'PATCH', headers, body: 'x' });
    expect(last!.status).toBe(429);
    expect(last!.headers.get(REFUSAL_HEADER)).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.text()).toMatch(/Try again in \d+ seconds/);
  });

  it("a rate-limited PATCH of the caller's own upload leaves its lock free", async () => {
    const member = await limited.member(OrganizationKind.STUDIO, Role.EDITOR);
    const seriesId = await seriesWithEpisodes(limited, member.token, member.organizationId, 1);
    const episode = (await limited.gql(EPISODES, { id: seriesId }, { token: member.token })).data!.series.episodes.nodes[0]!.id;
    const auth = { 'tus-resumable': '1.0.0', authorization: `Bearer ${member.token}` };
    const created = await fetch(`${limited.url}/uploads`, { method: 'POST', headers: { ...auth, 'upload-length': '10', 'upload-metadata': tusMetadata({ episodeId: episode, filename: 'scene.mp4', filetype: 'video/mp4' }) } });
    expect(created.status).toBe(201);
    const target = new URL(created.headers.get('location')!, limited.url).href;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(target, { method: 'PATCH', headers: { ...auth, 'upload-offset': String(statuses.filter((s) => s === 204).length), 'content-type': 'application/offset+octet-stream' }, body: 'x' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([204, 204, 429, 429]);
    expect(await locksHeldAfterQueuedUnlocks(limited)).toBe(0);
  });
});
