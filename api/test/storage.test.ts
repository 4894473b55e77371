import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { cephUnavailable, startCeph, type CephGateway } from './support/ceph';
import { seriesWithEpisodes } from './support/catalog';
import { settledRead, uploadsEnded } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { graphql } from '../../schema/graphql';
import { tusMetadata } from './support/tus';

const MIB = 1024 ** 2;
const cephMissing = cephUnavailable();
if (cephMissing) console.warn(`Skipping the S3 half of the storage tests: ${cephMissing}`);

// The cluster boots (~15 s) while the local-disk half runs.
let gateway: Promise<CephGateway> | undefined;
beforeAll(() => {
  if (cephMissing) return;
  gateway = startCeph();
  gateway.catch(() => undefined);
});
afterAll(async () => {
  await (await gateway?.catch(() => undefined))?.stop();
}, 60_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const clipDir = mkdtempSync(path.join(tmpdir(), 'greenlight-storage-clips-'));
afterAll(() => rmSync(clipDir, { recursive: true, force: true }));

/** An uncompressed vertical QuickTime clip: a real, playable video of about `mebibytes` MiB. */
function rawClip(name: string, mebibytes: number): string {
  const file = path.join(clipDir, `${name}.mov`);
  if (existsSync(file)) return file;
  const frameBytes = 360 * 640 * 2;
  const frames = Math.ceil((mebibytes * MIB) / frameBytes);
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=360x640:rate=24', '-frames:v', String(frames), '-c:v', 'rawvideo', '-pix_fmt', 'uyvy422', '-y', file]);
  return file;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Backend {
  env(): Promise<Record<string, string>>;
  /** What the store still holds for an upload (files, objects, multipart uploads), by name. */
  leftovers(server: TestServer, uploadId: string): Promise<string[]>;
  /** The size of a stored media object, read from the storage itself. */
  storedSize(server: TestServer, key: string): Promise<number>;
}

const localDisk: Backend = {
  env: async () => ({}),
  leftovers: async (server, uploadId) => (existsSync(server.config.uploads.dir) ? readdirSync(server.config.uploads.dir).filter((name) => name.includes(uploadId)) : []),
  storedSize: async (server, key) => statSync(path.join(server.config.mediaDir, key)).size,
};

const ceph: Backend = {
  env: async () => (await gateway!).bucketEnv(),
  leftovers: async (server, uploadId) => {
    const { client } = await gateway!;
    const bucket = server.config.storage.kind === 's3' ? server.config.storage.bucket : '';
    const objects = await client.listObjectsV2({ Bucket: bucket });
    const multipart = await client.listMultipartUploads({ Bucket: bucket });
    return [
      ...(objects.Contents ?? []).map((o) => o.Key!).filter((key) => key.includes(uploadId)),
      ...(multipart.Uploads ?? []).filter((u) => u.Key === uploadId).map((u) => `multipart upload of ${u.Key}`),
    ];
  },
  storedSize: async (server, key) => {
    const { client } = await gateway!;
    const head = await client.headObject({ Bucket: server.config.storage.kind === 's3' ? server.config.storage.bucket : '', Key: key });
    return head.ContentLength!;
  },
};

describe('media storage on local disk', () => storageCases(localDisk));
describe.skipIf(Boolean(cephMissing))('media storage in an S3 bucket (Ceph RGW)', () => storageCases(ceph));

function storageCases(backend: Backend) {
  let env: Record<string, string>;
  let server: TestServer;
  let editor: SignedInMember;
  let episodes: string[];

  beforeAll(async () => {
    env = await backend.env();
    server = await TestServer.start(env);
    ({ editor, episodes } = await studioWithEpisodes(server, 3));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    // Hundreds of MiB of media: not left behind in the temporary folder.
    if (server) rmSync(server.config.dataDir, { recursive: true, force: true });
  });

  it('a 200 MiB episode arrives intact through tus, becomes the current media and plays back in byte ranges', async () => {
    const file = rawClip('pilot-200mib', 200);
    const bytes = readFileSync(file);
    const uploadUrl = await upload(server, editor, bytes, episodes[0]!, { chunkSize: 64 * MIB, metadata: { sha256: sha256(bytes) } });

    const view = await settled(server, editor, episodes[0]!);
    expect(view.uploads[0]).toMatchObject({ status: 'SUCCEEDED', failureReason: null });
    expect(view.media).toMatchObject({ sha256: sha256(bytes), sizeBytes: bytes.length, videoCodec: 'rawvideo', width: 360, height: 640 });
    expect(await backend.storedSize(server, `media/${sha256(bytes)}.mov`)).toBe(bytes.length);

    const video = server.url + view.media!.videoUrl;
    const get = (range?: string) => fetch(video, { headers: { authorization: `Bearer ${editor.token}`, ...(range ? { range } : {}) } });
    const size = bytes.length;
    const ranges: Array<[string, number, number]> = [
      ['bytes=0-1023', 0, 1023],
      [`bytes=${100 * MIB}-${101 * MIB - 1}`, 100 * MIB, 101 * MIB - 1],
      ['bytes=-4096', size - 4096, size - 1],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      // RFC 9110: a suffix longer than the representation is all of it.
      [`bytes=-${size + 999_999}`, 0, size - 1],
    ];
    for (const [range, start, end] of ranges) {
      const res = await get(range);
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(res.headers.get('accept-ranges'), range).toBe('bytes');
      expect(res.headers.get('content-type'), range).toBe('video/quicktime');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
    const whole = await get();
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(size));
    const hash = createHash('sha256');
    for await (const chunk of whole.body!) hash.update(chunk);
    expect(hash.digest('hex')).toBe(sha256(bytes));
    const head = await fetch(video, { method: 'HEAD', headers: { authorization: `Bearer ${editor.token}`, range: 'bytes=0-9' } });
    expect([head.status, head.headers.get('content-range'), head.headers.get('content-length')]).toEqual([206, `bytes 0-9/${size}`, '10']);
    const stale = await fetch(video, { headers: { authorization: `Bearer ${editor.token}`, range: 'bytes=0-9', 'if-range': '"another-version"' } });
    expect([stale.status, stale.headers.get('content-length')]).toEqual([200, String(size)]);
    await stale.arrayBuffer();
    const current = await fetch(video, { headers: { authorization: `Bearer ${editor.token}`, range: 'bytes=0-9', 'if-range': whole.headers.get('etag')! } });
    expect(current.status).toBe(206);
    expect((await current.arrayBuffer()).byteLength).toBe(10);
    const beyond = await get(`bytes=${size}-`);
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);

    const poster = await fetch(server.url + view.media!.posterUrl, { headers: { authorization: `Bearer ${editor.token}` } });
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await poster.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    // Nothing of the upload itself is kept once the media is stored.
    const uploadId = path.basename(new URL(uploadUrl).pathname);
    expect(await backend.leftovers(server, uploadId)).toEqual([]);
    expect(await stateRows(server, uploadId)).toBe(0);
  }, 180_000);

  it('an upload interrupted half-way resumes on a restarted API, and the stored bytes are intact', async () => {
    const bytes = readFileSync(rawClip('resume-30mib', 30));
    // 4 MiB requests do not line up with S3's 5 MiB minimum part: the store must carry the rest over.
    const chunkSize = 4 * MIB;
    const first = await TestServer.start(env, server);
    let uploadPath = '';
    await new Promise<void>((resolve, reject) => {
      const up: tus.Upload = new tus.Upload(bytes, {
        endpoint: `${first.url}/uploads`,
        chunkSize,
        retryDelays: [],
        headers: { authorization: `Bearer ${editor.token}` },
        metadata: { episodeId: episodes[1]!, filename: 'resume.mov', filetype: 'video/quicktime' },
        onError: reject,
        onChunkComplete: (_chunk, sent) => {
          if (sent >= bytes.length / 2 && !uploadPath) {
            uploadPath = new URL(up.url!).pathname;
            void up.abort().then(resolve);
          }
        },
      });
      up.start();
    });
    await first.app.stop();
    await first.orm.close();

    const second = await TestServer.start(env, server);
    try {
      const head = await fetch(second.url + uploadPath, { method: 'HEAD', headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0' } });
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeGreaterThanOrEqual(bytes.length / 2);
      expect(offset).toBeLessThan(bytes.length);
      await new Promise<void>((resolve, reject) => {
        new tus.Upload(bytes, { uploadUrl: second.url + uploadPath, chunkSize, retryDelays: [], headers: { authorization: `Bearer ${editor.token}` }, onError: reject, onSuccess: () => resolve() }).start();
      });
      const view = await settled(second, editor, episodes[1]!);
      expect(view.status).toBe('READY');
      expect(view.media).toMatchObject({ sha256: sha256(bytes), sizeBytes: bytes.length });
      const range = await fetch(second.url + view.media!.videoUrl, { headers: { authorization: `Bearer ${editor.token}`, range: `bytes=${offset - 8}-${offset + 7}` } });
      expect(range.status).toBe(206);
      expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(offset - 8, offset + 8))).toBe(true);
    } finally {
      await second.app.stop();
      await second.orm.close();
    }
  }, 120_000);

  it('an upload abandoned past its expiry is deleted from storage by the periodic clean-up', async () => {
    const expiryMs = 0.0005 * 3600_000;
    const shortLived = await TestServer.start({ ...(await backend.env()), UPLOAD_EXPIRY_HOURS: '0.0005' });
    try {
      const { editor: owner, episodes: [episodeId] } = await studioWithEpisodes(shortLived, 1);
      const bytes = Buffer.alloc(12 * MIB, 7);
      const started = Date.now();
      const created = await fetch(`${shortLived.url}/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0', 'upload-length': String(bytes.length), 'upload-metadata': tusMetadata({ episodeId: episodeId!, filename: 'gone.mp4', filetype: 'video/mp4' }) },
      });
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;
      const uploadId = path.basename(location);
      // 9 of 12 MiB: on S3 one 8 MiB part plus a 1 MiB remainder object.
      const patched = await fetch(shortLived.url + location, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: bytes.subarray(0, 9 * MIB),
      });
      expect(patched.status).toBe(204);
      expect(await backend.leftovers(shortLived, uploadId)).not.toEqual([]);

      await new Promise((r) => setTimeout(r, Math.max(0, started + expiryMs + 200 - Date.now())));
      await shortLived.app.uploads.cleanUpExpired();

      expect(await backend.leftovers(shortLived, uploadId)).toEqual([]);
      expect(await stateRows(shortLived, uploadId)).toBe(0);
      const [row] = await shortLived.orm.em.getConnection().execute<Array<{ status: string }>>('select status from episode_upload where id = ?', [uploadId]);
      expect(row!.status).toBe('ABANDONED');
      const head = await fetch(shortLived.url + location, { method: 'HEAD', headers: { authorization: `Bearer ${owner.token}`, 'tus-resumable': '1.0.0' } });
      expect(head.status).toBe(410);
    } finally {
      await shortLived.stop();
      rmSync(shortLived.config.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
}

describe('storage configuration', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'greenlight-config-')), APP_SECRET: 'x'.repeat(40) };

  it('STORAGE=s3 without a bucket or credentials refuses to start and names what is missing', () => {
    expect(() => loadConfig({ ...base, STORAGE: 's3' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, STORAGE: 's3', S3_BUCKET: 'media' })).toThrow('STORAGE=s3 needs S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY to be set.');
    expect(() => loadConfig({ ...base, STORAGE: 's3', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_PART_SIZE: String(MIB) })).toThrow(/S3_PART_SIZE/);
    expect(() => loadConfig({ ...base, STORAGE: 'ftp' })).toThrow(/STORAGE/);
  });

  it('parts are 8 MiB by default and grow so the largest allowed upload fits in 10,000 parts', () => {
    const s3 = { ...base, STORAGE: 's3', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' };
    expect(loadConfig(s3).storage).toEqual({ kind: 's3', bucket: 'media', endpoint: undefined, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, forcePathStyle: true, partSize: 8 * MIB });
    const huge = loadConfig({ ...s3, UPLOAD_MAX_BYTES: String(200 * 1024 ** 3) }).storage;
    expect(huge.kind === 's3' && huge.partSize).toBe(21 * MIB);
    expect(Math.ceil((200 * 1024 ** 3) / 21 / MIB)).toBeLessThanOrEqual(10_000);
  });

  it('empty S3 settings, as docker compose passes unset ones, leave local storage in use', () => {
    const empty = { STORAGE: '', S3_BUCKET: '', S3_ENDPOINT: '', S3_REGION: '', S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: '', S3_FORCE_PATH_STYLE: '', S3_PART_SIZE: '' };
    expect(loadConfig({ ...base, ...empty }).storage).toEqual({ kind: 'local' });
  });
});

async function studioWithEpisodes(server: TestServer, count: number): Promise<{ editor: SignedInMember; episodes: string[] }> {
  const editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, count);
  const res = await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: editor.token });
  return { editor, episodes: res.data!.series.episodes.nodes.map((n) => n.id) };
}

function upload(server: TestServer, editor: SignedInMember, bytes: Buffer, episodeId: string, options: { chunkSize: number; metadata?: Record<string, string> }): Promise<string> {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(bytes, {
      endpoint: `${server.url}/uploads`,
      chunkSize: options.chunkSize,
      retryDelays: [],
      headers: { authorization: `Bearer ${editor.token}` },
      metadata: { episodeId, filename: 'pilot.mov', filetype: 'video/quicktime', ...options.metadata },
      onError: reject,
      onSuccess: () => resolve(up.url!),
    });
    up.start();
  });
}

async function stateRows(server: TestServer, uploadId: string): Promise<number> {
  const rows = await server.orm.em.getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from tus_upload_state where id = ?', [uploadId]);
  return rows[0]!.n;
}

/** Processing runs after the last PATCH is answered; wait until it has settled. */
function settled(server: TestServer, editor: SignedInMember, episodeId: string) {
  const read = async () => {
    const res = await server.gql(
      graphql('query($id: ID!) { episode(id: $id) { status media { sha256 sizeBytes videoCodec width height videoUrl posterUrl } uploads { status failureReason } } }'),
      { id: episodeId },
      { token: editor.token },
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.episode;
  };
  return settledRead(read, (view) => !['UPLOADING', 'PROCESSING'].includes(view.status) && uploadsEnded(view.uploads), 'upload processing to finish', 90_000);
}
