import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { newSeriesEpisodes } from './support/catalog';
import { eventually, settledRead, uploadsEnded } from './support/media';
import { apiBeside, startApiProcess, type ApiProcess } from './support/processes';
import { TestServer, type SignedInMember } from './support/server';
import { gatedFfmpeg, makeClip, sha256Of } from './support/videos';
import { tusMetadata } from './support/tus';

let server: TestServer;
let editor: SignedInMember;
const processes: ApiProcess[] = [];

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_PROCESSING_LEASE_SECONDS: '2' });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
}, 60_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await server?.stop();
});

const start = async (env: Record<string, string> = {}, timeoutMs?: number) => {
  const p = await startApiProcess(apiBeside(server, { UPLOAD_PROCESSING_LEASE_SECONDS: '2', ...env }), timeoutMs);
  processes.push(p);
  return p;
};
const newEpisode = async () => {
  return (await newSeriesEpisodes(server, editor.token, editor.organizationId, 1)).episodeIds[0]!;
};
const STATE = graphql('query KillEpisode($id: ID!) { episode(id: $id) { status uploadError media { sha256 } mediaRevisions { id } uploads { status failureReason } } }');
const tusHeaders = () => ({ 'tus-resumable': '1.0.0', authorization: `Bearer ${editor.token}` });
async function create(base: string, episode: string, size: number): Promise<string> {
  const metadata = tusMetadata({ episodeId: episode, filename: 'clip.mp4', filetype: 'video/mp4' });
  const res = await fetch(`${base}/uploads`, { method: 'POST', headers: { ...tusHeaders(), 'upload-length': String(size), 'upload-metadata': metadata } });
  expect(res.status).toBe(201);
  return res.headers.get('location')!.split('/').pop()!;
}
const patch = (base: string, id: string, offset: number, body: RequestInit['body']) =>
  fetch(`${base}/uploads/${id}`, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body, duplex: 'half' } as RequestInit);
async function head(base: string, id: string): Promise<number> {
  const res = await fetch(`${base}/uploads/${id}`, { method: 'HEAD', headers: tusHeaders() });
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

describe('an API killed with -9 in the middle of an upload’s last PATCH', () => {
  it('leaves the upload resumable at the bytes it stored; the client finishes it through another process and the stored sha256 is the file’s', async () => {
    const episode = await newEpisode();
    const clip = makeClip('killed-mid-patch', { seconds: 4, width: 360, height: 640 });
    const bytes = readFileSync(clip);
    const doomed = await start();
    const id = await create(doomed.url, episode, bytes.length);
    const first = Math.floor(bytes.length / 3);
    expect((await patch(doomed.url, id, 0, bytes.subarray(0, first))).status).toBe(204);
    // The last PATCH sends a part of the rest, then stalls; the process is killed while it holds the lock.
    const part = Math.floor(bytes.length / 3);
    let stall!: () => void;
    const stalled = new Promise<void>((r) => (stall = r));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes.subarray(first, first + part));
        await stalled;
        controller.error(new Error('client gone'));
      },
    });
    const inFlight = patch(doomed.url, id, first, body).catch(() => null);
    const file = path.join(server.config.uploads.dir, id);
    // The server gathers the body into larger writes, so the part may or may not be on disk yet.
    await new Promise((r) => setTimeout(r, 1000));
    await doomed.kill();
    stall();
    await inFlight;

    const next = await start();
    const offset = await head(next.url, id);
    expect(offset).toBeGreaterThanOrEqual(first);
    expect(offset).toBeLessThanOrEqual(first + part);
    expect(offset).toBe(statSync(file).size);
    expect((await server.gql(STATE, { id: episode }, { token: editor.token })).data!.episode.uploads.map((u) => u.status)).toEqual(['UPLOADING']);
    const rest = await patch(next.url, id, offset, bytes.subarray(offset));
    expect(rest.status).toBe(204);
    const done = await settledRead(() => server.gql(STATE, { id: episode }, { token: editor.token }), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the resumed upload to be processed', 60_000);
    expect(done.data!.episode, JSON.stringify(done.data)).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
  }, 180_000);

  it('killed right after answering a middle PATCH (its lock release not awaited): the next process takes the next PATCH at once and the bytes are right', async () => {
    const episode = await newEpisode();
    const clip = makeClip('killed-after-answer', { seconds: 4, width: 360, height: 640 });
    const bytes = readFileSync(clip);
    const a = await start();
    const b = await start();
    const id = await create(a.url, episode, bytes.length);
    const chunk = Math.ceil(bytes.length / 5);
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const target = i === 0 ? a : b;
      const res = await patch(target.url, id, offset, bytes.subarray(offset, offset + chunk));
      expect(res.status, `chunk ${i}`).toBe(204);
      offset = Number(res.headers.get('upload-offset'));
      if (i === 0) await a.kill();
      expect(await head(b.url, id)).toBe(offset);
    }
    const done = await settledRead(() => server.gql(STATE, { id: episode }, { token: editor.token }), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the upload to be processed', 60_000);
    expect(done.data!.episode, JSON.stringify(done.data)).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
  }, 180_000);
});

describe('start-up recovery of uploads', () => {
  it('a restarted API listens while it still processes an upload left by the process it replaces', async () => {
    const episode = await newEpisode();
    const clip = makeClip('slow-recovery', { seconds: 3, width: 360, height: 640 });
    const bytes = readFileSync(clip);
    // The first process answers the last PATCH and is killed before it claims the upload (its write held back).
    const doomed = await start();
    const id = await create(doomed.url, episode, bytes.length);
    const blocker = new pg.Client({ connectionString: server.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table episode_upload in share mode');
    const waitingFor = `database = (select oid from pg_database where datname = current_database()) and relation = 'episode_upload'::regclass and not granted`;
    try {
      expect((await patch(doomed.url, id, 0, bytes)).status).toBe(204);
      await eventually(async () => (await blocker.query(`select 1 from pg_locks where ${waitingFor}`)).rowCount! > 0, (w) => w, 'the first process to try to claim the upload');
      await doomed.kill();
      await blocker.query(`select pg_terminate_backend(pid) from pg_locks where ${waitingFor}`);
    } finally {
      await blocker.query('commit');
      await blocker.end();
    }
    expect((await server.gql(STATE, { id: episode }, { token: editor.token })).data!.episode.uploads.map((u) => u.status)).toEqual(['UPLOADING']);

    // The next process's processing of that upload is slow (ffmpeg held back): it must still serve.
    const slow = gatedFfmpeg('next');
    const next = await start({ FFMPEG_PATH: slow.path }, 20_000);
    try {
      expect((await fetch(`${next.url}/healthz`)).status).toBe(200);
    } finally {
      slow.open();
    }
    const done = await settledRead(() => server.gql(STATE, { id: episode }, { token: editor.token }), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the upload to be processed', 60_000);
    expect(done.data!.episode, JSON.stringify(done.data)).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
  }, 180_000);
});
