import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type ResultOf } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { readyEpisode, settledRead, uploadsEnded } from './support/media';
import { errorCode, TestServer, type SignedInMember } from './support/server';
import { makeClip, makeCorruptClip, sha256Of } from './support/videos';
import { tusMetadata } from './support/tus';

let server: TestServer;
let editor: SignedInMember;
let seriesId: string;
let episodes: string[];

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_MAX_BYTES: String(5 * 1024 * 1024), MAX_EPISODE_DURATION_SECONDS: '300' });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 12);
  const res = await server.gql(SERIES_EPISODES, { id: seriesId }, { token: editor.token });
  episodes = res.data!.series.episodes.nodes.map((n) => n.id);
});
afterAll(() => server?.stop());

const SERIES_EPISODES = graphql(`query UploadsSeriesEpisodes($id: ID!) { series(id: $id) { episodes { nodes { id } } } }`);
const EPISODE = graphql(`
  query UploadsEpisode($id: ID!) {
    episode(id: $id) {
      status durationSeconds uploadError
      media { id sha256 sizeBytes container videoCodec durationSeconds width height warnings videoUrl posterUrl }
      mediaRevisions { sha256 }
      uploads { status failureReason }
    }
  }
`);
type EpisodeView = ResultOf<typeof EPISODE>['episode'];
const SET_SUBTITLES = graphql(`mutation UploadsSetSubtitles($input: SubtitlesInput!) { setSubtitles(input: $input) { language format cueCount cues { start end text } } }`);
const SUBTITLES = graphql(`query UploadsSubtitles($id: ID!) { episode(id: $id) { subtitles { language format cueCount } } }`);
const MEDIA_URLS = graphql(`query UploadsMediaUrls($id: ID!) { episode(id: $id) { media { videoUrl posterUrl } } }`);

async function episodeView(id: string, token = editor.token): Promise<EpisodeView> {
  const res = await server.gql(EPISODE, { id }, { token });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.episode;
}

/** Processing runs after the last PATCH is answered; wait for it to settle. */
function settled(id: string): Promise<EpisodeView> {
  return settledRead(() => episodeView(id), (view) => !['UPLOADING', 'PROCESSING'].includes(view.status) && uploadsEnded(view.uploads), 'upload processing to finish');
}

/** What to read when an upload ends otherwise than expected: its rows and the server's warnings and errors. */
function diagnosis(view: EpisodeView): string {
  const logged = server.logLines.filter((line) => /"level":(40|50|60)|upload/i.test(line)).slice(-20);
  return JSON.stringify({ status: view.status, uploadError: view.uploadError, uploads: view.uploads, logged }, null, 1);
}

function upload(file: string, episodeId: string, options: Partial<tus.UploadOptions> & { endpoint?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(readFileSync(file), {
      endpoint: `${server.url}/uploads`,
      chunkSize: 64 * 1024,
      retryDelays: [],
      headers: { authorization: `Bearer ${editor.token}` },
      metadata: { episodeId, filename: path.basename(file), filetype: file.endsWith('.webm') ? 'video/webm' : 'video/mp4' },
      onError: reject,
      onSuccess: () => resolve(up.url!),
      ...options,
    });
    up.start();
  });
}

async function rawCreate(headers: Record<string, string>, metadata: Record<string, string>, token: string | null = editor.token) {
  const encoded = tusMetadata(metadata);
  return fetch(`${server.url}/uploads`, {
    method: 'POST',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': '1000', 'upload-metadata': encoded, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

const uploadDirEntries = () => (existsSync(server.config.uploads.dir) ? readdirSync(server.config.uploads.dir).sort() : []);

describe('uploading an episode', () => {
  it('stores exactly the uploaded bytes as a new media revision with probe results and a poster; the episode becomes READY', async () => {
    const clip = makeClip('vertical', { seconds: 3 });
    const uploadUrl = await upload(clip, episodes[0]!);
    const view = await settled(episodes[0]!);
    expect(view.status).toBe('READY');
    expect(view.uploadError).toBeNull();
    expect(view.media).toMatchObject({ sha256: sha256Of(clip), sizeBytes: statSync(clip).size, videoCodec: 'h264', width: 360, height: 640, warnings: [] });
    expect(view.media!.container).toContain('mp4');
    expect(view.media!.durationSeconds).toBeCloseTo(3, 0);
    expect(view.durationSeconds).toBe(3);

    // The finished upload says so to anything sent to it, rather than that it does not exist.
    const finished = new URL(uploadUrl, server.url).toString();
    for (const [method, extra] of [['HEAD', {}], ['PATCH', { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }], ['DELETE', {}]] as const) {
      const res = await fetch(finished, { method, headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${editor.token}`, ...extra }, ...(method === 'PATCH' ? { body: 'x' } : {}) });
      expect([method, res.status, res.headers.get('upload-refusal-reason')]).toEqual([method, 409, 'UPLOAD_FINISHED']);
      if (method !== 'HEAD') expect(await res.text()).toMatch(/^This upload has finished/);
    }

    const poster = await fetch(server.url + view.media!.posterUrl, { headers: { authorization: `Bearer ${editor.token}` } });
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    const bytes = readFileSync(clip);
    const range = await fetch(server.url + view.media!.videoUrl, { headers: { authorization: `Bearer ${editor.token}`, range: 'bytes=100-199' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.subarray(100, 200));
  });

  it('a new upload replaces the media only when it finishes; the old revision stays', async () => {
    const first = makeClip('first', { seconds: 2 });
    const second = makeClip('second', { seconds: 4 });
    await upload(first, episodes[1]!);
    await settled(episodes[1]!);
    await upload(second, episodes[1]!);
    const view = await settled(episodes[1]!);
    expect(view.media!.sha256, diagnosis(view)).toBe(sha256Of(second));
    expect(view.mediaRevisions.map((r) => r.sha256)).toEqual([sha256Of(second), sha256Of(first)]);
  });

  it('warns the studio about a horizontal video, and accepts WebM', async () => {
    const clip = makeClip('landscape', { width: 640, height: 360, container: 'webm' });
    await upload(clip, episodes[2]!);
    const view = await settled(episodes[2]!);
    expect(view.status).toBe('READY');
    expect(view.media!.warnings).toEqual(['The video is 640×360, not vertical (9:16 is expected).']);
  });

  it('a corrupt file ends as "upload failed" with its reason, and nothing replaces the media', async () => {
    await upload(makeCorruptClip('corrupt'), episodes[3]!);
    const view = await settled(episodes[3]!);
    expect(view.status).toBe('DRAFT');
    expect(view.media).toBeNull();
    expect(view.uploadError).toMatch(/^The file could not be read as a video: it may be damaged, or not a video despite its name\.$|^The file has no video stream\.$/);
    // ffprobe's own words ("Invalid data found when processing input", "moov atom not found") go to the log only.
    expect(view.uploadError).not.toMatch(/invalid data|moov|atom|ffprobe|\(/i);
    expect(view.uploads[0]).toMatchObject({ status: 'FAILED', failureReason: view.uploadError });
  });

  it('a file whose sha256 differs from the one declared fails with that reason', async () => {
    const clip = makeClip('tampered');
    await upload(clip, episodes[4]!, { metadata: { episodeId: episodes[4]!, filename: 'tampered.mp4', filetype: 'video/mp4', sha256: 'a'.repeat(64) } });
    const view = await settled(episodes[4]!);
    expect(view.uploadError).toMatch(/differs from the one declared/);
    expect(view.media).toBeNull();
  });
});

describe('cancelling', () => {
  it('a DELETE answers once the cancellation is recorded: a read right after shows the upload ABANDONED, and the upload is gone to its PATCHes', async () => {
    const tusHeaders = { 'tus-resumable': '1.0.0', authorization: `Bearer ${editor.token}` };
    const UPLOADS = graphql(`query UploadsCancelled($id: ID!) { episode(id: $id) { uploads(first: 1) { status failureReason } } }`);
    // Several rounds: a cancellation recorded after the answer shows up as a stale read now and then.
    for (let round = 0; round < 10; round++) {
      const created = await rawCreate({}, { episodeId: episodes[9]!, filename: 'a.mp4', filetype: 'video/mp4' });
      expect(created.status).toBe(201);
      const url = new URL(created.headers.get('location')!, server.url).toString();
      expect((await fetch(url, { method: 'DELETE', headers: tusHeaders })).status).toBe(204);
      const read = await server.gql(UPLOADS, { id: episodes[9]! }, { token: editor.token });
      expect(read.data!.episode.uploads, `round ${round}`).toEqual([{ status: 'ABANDONED', failureReason: 'Cancelled.' }]);
      const patch = await fetch(url, { method: 'PATCH', headers: { ...tusHeaders, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: 'x' });
      expect([patch.status, patch.headers.get('upload-refusal-reason')], `round ${round}`).toEqual([410, 'UPLOAD_GONE']);
      // Not said to have expired: it was cancelled.
      expect(await patch.text()).toMatch(/^This upload was cancelled or has expired/);
    }
  });
});

describe('refusals at creation: a clear 4xx, and nothing created', () => {
  let foreignEpisode: string;
  let viewerToken: string;
  beforeAll(async () => {
    const other = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const foreignSeries = await seriesWithEpisodes(server, other.token, other.organizationId, 1);
    const foreign = await server.gql(SERIES_EPISODES, { id: foreignSeries }, { token: other.token });
    foreignEpisode = foreign.data!.series.episodes.nodes[0]!.id;
    viewerToken = (await server.addMember(editor.organizationId, Role.VIEWER)).token;
  });
  const own = () => episodes[11]!;
  const cases: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ['a file that is not a video', () => rawCreate({}, { episodeId: own(), filename: 'notes.txt', filetype: 'text/plain' }), 415, /Only MP4, MOV and WebM/],
    ['a type that does not match the extension', () => rawCreate({}, { episodeId: own(), filename: 'a.mp4', filetype: 'video/webm' }), 415, /does not match/],
    ['a file over the size limit', () => rawCreate({ 'upload-length': String(6 * 1024 * 1024) }, { episodeId: own(), filename: 'big.mp4', filetype: 'video/mp4' }), 413, /larger than the 5\.0 MiB limit/],
    ['a declared duration over the policy maximum', () => rawCreate({}, { episodeId: own(), filename: 'long.mp4', filetype: 'video/mp4', duration: '900' }), 400, /at most 300 seconds/],
    ['metadata without the episode', () => rawCreate({}, { filename: 'a.mp4', filetype: 'video/mp4' }), 400, /must name the episode/],
    ['no credentials', () => rawCreate({}, { episodeId: own(), filename: 'a.mp4', filetype: 'video/mp4' }, null), 401, /Sign in/],
    ['an episode of another studio', () => rawCreate({}, { episodeId: foreignEpisode, filename: 'a.mp4', filetype: 'video/mp4' }), 404, /No such episode/],
    ['a viewer of the studio', () => rawCreate({}, { episodeId: own(), filename: 'a.mp4', filetype: 'video/mp4' }, viewerToken), 403, /owners and editors/],
  ];
  for (const [what, attempt, status, reason] of cases) {
    it(what, async () => {
      const rowsBefore = await server.count('episode_upload');
      const filesBefore = uploadDirEntries();
      const res = await attempt();
      expect(res.status).toBe(status);
      expect(await res.text()).toMatch(reason);
      expect(await server.count('episode_upload')).toBe(rowsBefore);
      expect(uploadDirEntries()).toEqual(filesBefore);
    });
  }
});

describe('upload ids that try to leave the store', () => {
  for (const id of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E%2F%2E%2E', '..%5C..%5Cwindows', 'abc%00def', '..', '%2Fetc%2Fpasswd']) {
    it(`${id} is refused and touches nothing`, async () => {
      const before = uploadDirEntries();
      const parent = readdirSync(path.dirname(server.config.uploads.dir)).sort();
      for (const method of ['HEAD', 'PATCH', 'DELETE']) {
        const res = await fetch(`${server.url}/uploads/${id}`, {
          method,
          headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
          body: method === 'PATCH' ? 'owned' : undefined,
        });
        expect(res.status, `${method} ${id}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${id}`).toBeLessThan(500);
      }
      expect(uploadDirEntries()).toEqual(before);
      expect(readdirSync(path.dirname(server.config.uploads.dir)).sort()).toEqual(parent);
    });
  }
});

describe('resuming', () => {
  it('an upload aborted mid-way resumes after the API restarts, and the stored sha256 equals the source', async () => {
    const clip = makeClip('resume', { seconds: 6, width: 720, height: 1280 });
    const size = statSync(clip).size;
    // The first API process: the client uploads half, then the connection drops.
    const before = await server.twin();
    let uploadPath = '';
    await new Promise<void>((resolve, reject) => {
      const up: tus.Upload = new tus.Upload(readFileSync(clip), {
        endpoint: `${before.url}/uploads`,
        chunkSize: 32 * 1024,
        retryDelays: [],
        headers: { authorization: `Bearer ${editor.token}` },
        metadata: { episodeId: episodes[5]!, filename: 'resume.mp4', filetype: 'video/mp4' },
        onError: reject,
        onChunkComplete: (_chunk, sent) => {
          if (sent >= size / 2 && !uploadPath) {
            uploadPath = new URL(up.url!).pathname;
            void up.abort().then(resolve);
          }
        },
      });
      up.start();
    });
    // The process stops; a new one starts on the same database and folders.
    await before.app.stop();
    await before.orm.close();
    const after = await server.twin();
    try {
      const head = await fetch(after.url + uploadPath, { method: 'HEAD', headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0' } });
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeGreaterThanOrEqual(size / 2);
      expect(offset).toBeLessThan(size);
      await new Promise<void>((resolve, reject) => {
        const up = new tus.Upload(readFileSync(clip), {
          uploadUrl: after.url + uploadPath,
          chunkSize: 32 * 1024,
          retryDelays: [],
          headers: { authorization: `Bearer ${editor.token}` },
          onError: reject,
          onSuccess: () => resolve(),
        });
        up.start();
      });
      const view = await settled(episodes[5]!);
      expect(view.status).toBe('READY');
      expect(view.media!.sha256).toBe(sha256Of(clip));
    } finally {
      await after.app.stop();
      await after.orm.close();
    }
  });

  it('two API processes serve alternating PATCHes of one upload', async () => {
    const other = await server.twin();
    try {
      const clip = readFileSync(makeClip('alternate'));
      const created = await rawCreate({ 'upload-length': String(clip.length) }, { episodeId: episodes[6]!, filename: 'alternate.mp4', filetype: 'video/mp4' });
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;
      const chunk = Math.ceil(clip.length / 4);
      for (let i = 0, offset = 0; offset < clip.length; i++) {
        const target = i % 2 === 0 ? server : other;
        const body = clip.subarray(offset, offset + chunk);
        const res = await fetch(target.url + location, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
          body,
        });
        expect(res.status, `chunk ${i} via ${i % 2 ? 'B' : 'A'}`).toBe(204);
        offset += body.length;
        expect(Number(res.headers.get('upload-offset'))).toBe(offset);
      }
      const view = await settled(episodes[6]!);
      expect(view.media!.sha256).toBe(sha256Of(path.join(path.dirname(makeClip('alternate')), 'alternate.mp4')));
    } finally {
      await other.app.stop();
      await other.orm.close();
    }
  });
});

describe('subtitles', () => {
  it('stores valid WebVTT with its cues; a second upload in the same language replaces it', async () => {
    const res = await server.gql(
      SET_SUBTITLES,
      { input: { episodeId: episodes[7], language: 'en', format: 'WEBVTT', content: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nI will never sign.\n' } },
      { token: editor.token },
    );
    expect(res.data?.setSubtitles).toMatchObject({ cueCount: 1, cues: [{ start: 1, text: 'I will never sign.' }] });
    await server.gql(SET_SUBTITLES, { input: { episodeId: episodes[7], language: 'en', format: 'SRT', content: '1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n' } }, { token: editor.token });
    const list = await server.gql(SUBTITLES, { id: episodes[7]! }, { token: editor.token });
    expect(list.data!.episode.subtitles).toEqual([{ language: 'en', format: 'SRT', cueCount: 2 }]);
  });

  it('refuses broken files with line-numbered errors, and stores nothing', async () => {
    const before = await server.count('subtitle_track');
    const res = await server.gql(SET_SUBTITLES, { input: { episodeId: episodes[8], language: 'fr', format: 'WEBVTT', content: 'WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nBackwards\n' } }, { token: editor.token });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions.field).toBe('input.content');
    expect(res.errors![0]!.message).toBe('Line 3: The cue ends (00:00:04.000) before it starts (00:00:05.000).');
    expect(res.errors![0]!.extensions.problems).toEqual([{ line: 3, message: 'The cue ends (00:00:04.000) before it starts (00:00:05.000).' }]);
    const big = await server.gql(SET_SUBTITLES, { input: { episodeId: episodes[8], language: 'fr', format: 'SRT', content: '1\n00:00:01,000 --> 00:00:02,000\n' + 'x'.repeat(1024 * 1024) } }, { token: editor.token });
    expect(errorCode(big)).toBe('BAD_USER_INPUT');
    expect(big.errors![0]!.message).toMatch(/at most 1024 KiB/);
    expect(await server.count('subtitle_track')).toBe(before);
  });
});

describe('media in the default data folder', () => {
  it('plays from under .data (a dot-folder) too', async () => {
    const dotted = await TestServer.start({ DATA_DIR: path.join(mkdtempSync(path.join(tmpdir(), 'greenlight-dot-')), '.data') });
    try {
      const owner = await dotted.member(OrganizationKind.STUDIO, Role.OWNER);
      const seriesId = await seriesWithEpisodes(dotted, owner.token, owner.organizationId, 1);
      const episodeId = (await dotted.gql(SERIES_EPISODES, { id: seriesId }, { token: owner.token })).data!.series.episodes.nodes[0]!.id;
      await readyEpisode(dotted, owner.token, episodeId, makeClip('dotted'));
      const media = await dotted.gql(MEDIA_URLS, { id: episodeId }, { token: owner.token });
      expect((await fetch(dotted.url + media.data!.episode.media!.posterUrl!, { headers: { authorization: `Bearer ${owner.token}` } })).status).toBe(200);
      expect((await fetch(dotted.url + media.data!.episode.media!.videoUrl, { headers: { authorization: `Bearer ${owner.token}`, range: 'bytes=0-9' } })).status).toBe(206);
    } finally {
      await dotted.stop();
    }
  });
});

describe('media access', () => {
  it('studio members and reviewers can play; other studios, partners and anonymous callers cannot', async () => {
    const view = await episodeView(episodes[0]!);
    const url = server.url + view.media!.videoUrl;
    const reviewer = await server.member(OrganizationKind.OPERATOR, Role.REVIEWER);
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const viewer = await server.addMember(editor.organizationId, Role.VIEWER);
    const status = async (token?: string) => (await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status;
    expect(await status(viewer.token)).toBe(200);
    expect(await status(reviewer.token)).toBe(200);
    expect(await status(stranger.token)).toBe(404);
    expect(await status()).toBe(401);
    expect((await fetch(`${server.url}/media/not-a-uuid/video`, { headers: { authorization: `Bearer ${editor.token}` } })).status).toBe(404);
  });
});
