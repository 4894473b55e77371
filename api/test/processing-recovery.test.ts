import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { newSeriesEpisodes, seriesWithEpisodes } from './support/catalog';
import { postLicenseDocument } from './support/license-documents';
import { LICENSE } from './support/publishing';
import { eventually, settledRead, uploadClip, uploadsEnded } from './support/media';
import { apiBeside, startApiProcess, type ApiProcess } from './support/processes';
import { TestServer, type SignedInMember } from './support/server';
import { LOCK_SESSION_NAME } from '../src/uploads/postgres-locker';
import { gatedFfmpeg, makeClip, sha256Of } from './support/videos';
import { tusMetadata } from './support/tus';

const EPISODE_STATE = graphql(`query RecoveryEpisodeState($id: ID!) { episode(id: $id) { status media { sha256 } mediaRevisions { id } uploads { status } } }`);

/**
 * An upload whose processing process dies midway is taken over by another running API process once
 * its lease lapses — no restart needed. Needs `npm run build -w api` first (the test script does it).
 */
const LEASE_SECONDS = 2;
let server: TestServer;
let editor: SignedInMember;
let episodeId: string;
let doomed: ApiProcess | undefined;
/** API processes started in place of a killed one. */
const restarted: ApiProcess[] = [];
let lock: pg.Client | undefined;
let hangingFfmpegPid: string | undefined;
const hangDir = mkdtempSync(path.join(tmpdir(), 'greenlight-hang-'));

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS) });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  episodeId = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 1)).episodeIds[0]!;
}, 60_000);
afterAll(async () => {
  await lock?.end().catch(() => undefined);
  await doomed?.kill();
  await Promise.all(restarted.map((p) => p.kill()));
  if (hangingFfmpegPid) {
    try {
      process.kill(Number(hangingFfmpegPid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await server?.stop();
});

const uploadRow = async () =>
  ((await server.orm.em.getConnection().execute(`select id, status, processing_claimed_at::text as claimed from episode_upload where episode_id = ?`, [episodeId])) as Array<{ id: string; status: string; claimed: string | null }>)[0];

describe('processing that dies midway', () => {
  it('is held while its process lives, and taken over by another running process once its lease lapses', async () => {
    // The first API process decodes frames with an "ffmpeg" that never finishes: it is killed mid-processing.
    const hangingFfmpeg = path.join(hangDir, 'ffmpeg');
    writeFileSync(hangingFfmpeg, `#!/bin/sh\necho $$ > "${hangDir}/ffmpeg.pid"\nexec sleep 300\n`);
    chmodSync(hangingFfmpeg, 0o755);
    doomed = await startApiProcess(apiBeside(server, { FFMPEG_PATH: hangingFfmpeg, UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS) }));
    const clip = makeClip('recovered', { seconds: 4, width: 360, height: 640 });
    await uploadClip(doomed!, editor.token, episodeId, clip);
    await eventually(async () => existsSync(path.join(hangDir, 'ffmpeg.pid')), (started) => started, 'the first process to start decoding frames');
    hangingFfmpegPid = readFileSync(path.join(hangDir, 'ffmpeg.pid'), 'utf8').trim();
    const claimed = await uploadRow();
    expect(claimed?.status).toBe('PROCESSING');

    // Alive, the first process renews its lease: three leases later nobody has taken the upload over.
    await new Promise((r) => setTimeout(r, 3 * LEASE_SECONDS * 1000));
    const held = await uploadRow();
    expect(held?.status).toBe('PROCESSING');
    expect(Date.parse(held!.claimed!)).toBeGreaterThan(Date.parse(claimed!.claimed!));
    expect(server.logLines.join('\n')).not.toContain('taking over an upload');

    // kill -9 mid-processing (and its stuck decoder with it).
    await doomed.kill();
    process.kill(Number(hangingFfmpegPid), 'SIGKILL');

    // The in-process API, never restarted, takes the upload over and finishes it.
    const done = await eventually(
      () => server.gql(EPISODE_STATE, { id: episodeId }, { token: editor.token }),
      (r) => r.data?.episode.status === 'READY',
      'the upload to be recovered',
      60_000,
    );
    expect(done.data!.episode.media!.sha256).toBe(sha256Of(clip));
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
    expect(done.data!.episode.uploads.map((u) => u.status)).toEqual(['SUCCEEDED']);
    expect(server.logLines.join('\n')).toContain('taking over an upload whose processing stopped');
  }, 120_000);
});

/** An API process as production runs it, on the test server's database and folders. */
const startDoomed = (on = server, env: Record<string, string> = {}) =>
  startApiProcess(apiBeside(on, { UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS), ...env }));

/**
 * Holds `table` in SHARE mode from another connection: reads go on, the first write to it waits — so a
 * process can be stopped exactly between two steps (after its file is stored, before its row is written).
 */
async function blockWritesTo(table: string, on = server): Promise<{ waiting(): Promise<boolean>; endWaiting(): Promise<void>; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: on.databaseUrl });
  await client.connect();
  lock = client;
  await client.query('begin');
  await client.query(`lock table ${table} in share mode`);
  // Test databases are cloned from one template, so a table's oid is the same in each: this one's only.
  const waitingFor = `database = (select oid from pg_database where datname = current_database()) and relation = $1::regclass`;
  return {
    waiting: async () => (await client.query(`select 1 from pg_locks where ${waitingFor} and not granted`, [table])).rowCount! > 0,
    /**
     * Ends the sessions waiting for the table. A killed process's statement would otherwise still run
     * once the lock is released (PostgreSQL does not notice the client left while it waits).
     */
    endWaiting: async () => {
      await client.query(`select pg_terminate_backend(pid) from pg_locks where ${waitingFor} and not granted`, [table]);
    },
    release: async () => {
      await client.query('commit');
      await client.end();
      lock = undefined;
    },
  };
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe('killed after the file went into storage', () => {
  it('an episode upload: nothing half-stored, and the upload is finished by the next process from its own file', async () => {
    const episode = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 1)).episodeIds[0]!;
    const clip = makeClip('stored-then-killed', { seconds: 3, width: 360, height: 640 });
    const sha256 = sha256Of(clip);
    const stored = path.join(server.config.mediaDir, 'media', `${sha256}.mp4`);
    doomed = await startDoomed();
    // The media revision is the last step: the doomed process stores the file, then waits here.
    const blocked = await blockWritesTo('media_revision');
    let uploadUrl = '';
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(readFileSync(clip), {
        endpoint: `${doomed!.url}/uploads`,
        chunkSize: 256 * 1024,
        retryDelays: [],
        headers: { authorization: `Bearer ${editor.token}` },
        metadata: { episodeId: episode, filename: 'stored-then-killed.mp4', filetype: 'video/mp4' },
        onError: reject,
        onSuccess: () => {
          uploadUrl = upload.url ?? '';
          resolve();
        },
      });
      upload.start();
    });
    const uploadId = uploadUrl.split('/').pop()!;
    await eventually(async () => existsSync(stored) && (await blocked.waiting()), (ready) => ready, 'the doomed process to store the file and wait to record it', 60_000);
    // Stored whole (renamed into place), and the upload's own file still there for whoever finishes it.
    expect(filesIn(path.dirname(stored)).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(existsSync(path.join(server.config.uploads.dir, uploadId))).toBe(true);
    // Stored but not recorded: no media revision anyone sees, no error shown.
    const between = await server.gql(graphql('query($id: ID!) { episode(id: $id) { media { id } mediaRevisions { id } uploadError } }'), { id: episode }, { token: editor.token });
    expect(between.data!.episode).toEqual({ media: null, mediaRevisions: [], uploadError: null });
    await doomed.kill();
    await blocked.release();

    const done = await eventually(
      () => server.gql(graphql('query($id: ID!) { episode(id: $id) { status uploadError media { sha256 } mediaRevisions { id } uploads { status } } }'), { id: episode }, { token: editor.token }),
      (r) => r.data?.episode.status === 'READY' || !!r.data?.episode.uploadError,
      'the upload to be taken over and finished',
      60_000,
    );
    expect(done.data!.episode).toMatchObject({ status: 'READY', uploadError: null, media: { sha256 } });
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
    expect(done.data!.episode.uploads.map((u) => u.status)).toEqual(['SUCCEEDED']);
    expect(sha256Of(stored)).toBe(sha256);
    // The upload's own file is let go once the revision is committed.
    await eventually(async () => existsSync(path.join(server.config.uploads.dir, uploadId)), (exists) => !exists, 'the finished upload to be discarded');
  }, 180_000);

  it('a license document: never listed half-stored, its leftovers swept, and attaching again works', async () => {
    const owner = await server.member(OrganizationKind.STUDIO, Role.OWNER, 'Chain Studio');
    const seriesId = await seriesWithEpisodes(server, owner.token, owner.organizationId, 1);
    expect((await server.gql(graphql('mutation($id: ID!, $i: LicenseInput!) { setLicense(seriesId: $id, input: $i) { id } }'), { id: seriesId, i: LICENSE }, { token: owner.token })).errors).toBeUndefined();
    const contract = Buffer.from('%PDF-1.7\n% distribution agreement\n%%EOF\n');
    const documents = path.join(server.config.mediaDir, 'documents');
    const before = filesIn(documents);
    const LIST = graphql('query($id: ID!) { series(id: $id) { license { documents { id fileName downloadUrl } } } }');
    const listed = async () => (await server.gql(LIST, { id: seriesId }, { token: owner.token })).data!.series.license!.documents;
    doomed = await startDoomed();
    // Completing the document is audited: the doomed process stores the file, then waits here.
    const blocked = await blockWritesTo('audit_event');
    const attempt = fetch(`${doomed.url}/license-documents?${new URLSearchParams({ seriesId, fileName: 'agreement.pdf' })}`, { method: 'POST', headers: { 'content-type': 'application/pdf', authorization: `Bearer ${owner.token}` }, body: contract }).catch((error: unknown) => error);
    await eventually(async () => filesIn(documents).length > before.length && (await blocked.waiting()), (ready) => ready, 'the doomed process to store the file and wait to complete it', 60_000);
    await doomed.kill();
    await blocked.release();
    expect(await attempt).toBeInstanceOf(Error);

    // What the kill left — a reservation and its file — is seen by no one…
    expect(await listed()).toEqual([]);
    const reserved = (await server.orm.em.getConnection().execute(`select l.id::text as id from license_document l join series_license s on s.id = l.license_id where s.series_id = ? and l.stored_at is null`, [seriesId])) as Array<{ id: string }>;
    expect(reserved).toHaveLength(1);
    // …and the sweep clears both (here without waiting for it to be stale).
    expect(await server.app.services.licenseDocuments.sweepUnfinished(server.orm.em.fork(), new Date(Date.now() + 60_000))).toBe(1);
    expect(filesIn(documents).sort()).toEqual([...before].sort());
    expect(await server.count('license_document')).toBe(0);

    // Attaching again works, once.
    const again = await postLicenseDocument(server, owner.token, seriesId, 'agreement.pdf', contract);
    expect(again.status).toBe(201);
    const [document] = await listed();
    expect(document).toMatchObject({ id: again.body.id, fileName: 'agreement.pdf' });
    expect(await listed()).toHaveLength(1);
    const file = await fetch(`${server.url}${document!.downloadUrl}`);
    expect(Buffer.from(await file.arrayBuffer()).equals(contract)).toBe(true);
  }, 180_000);
});

/** The tus protocol by hand, so a test decides exactly which bytes each request carries. */
const tusHeaders = (who: SignedInMember) => ({ 'tus-resumable': '1.0.0', authorization: `Bearer ${who.token}` });
async function createUpload(base: string, episode: string, size: number, who = editor): Promise<string> {
  const metadata = tusMetadata({ episodeId: episode, filename: 'clip.mp4', filetype: 'video/mp4' });
  const res = await fetch(`${base}/uploads`, { method: 'POST', headers: { ...tusHeaders(who), 'upload-length': String(size), 'upload-metadata': metadata } });
  expect(res.status).toBe(201);
  return res.headers.get('location')!.split('/').pop()!;
}
async function patchUpload(base: string, uploadId: string, offset: number, bytes: Buffer, who = editor): Promise<Response> {
  return fetch(`${base}/uploads/${uploadId}`, {
    method: 'PATCH',
    headers: { ...tusHeaders(who), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body: bytes,
  });
}
async function headOffset(base: string, uploadId: string): Promise<number> {
  const res = await fetch(`${base}/uploads/${uploadId}`, { method: 'HEAD', headers: tusHeaders(editor) });
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}
/**
 * Uploads every byte of `bytes` through a doomed API process on `on`'s database, which answers the
 * last PATCH and is killed before processing claims the upload (a write to its row, held back here).
 */
async function answeredThenKilled(on: TestServer, who: SignedInMember, episode: string, bytes: Buffer, env: Record<string, string> = {}): Promise<string> {
  doomed = await startDoomed(on, env);
  const uploadId = await createUpload(doomed.url, episode, bytes.length, who);
  const blocked = await blockWritesTo('episode_upload', on);
  const last = await patchUpload(doomed.url, uploadId, 0, bytes, who);
  expect(last.status).toBe(204);
  expect(Number(last.headers.get('upload-offset'))).toBe(bytes.length);
  await eventually(() => blocked.waiting(), (waiting) => waiting, 'the doomed process to try to claim the upload');
  await doomed.kill();
  await blocked.endWaiting();
  await blocked.release();
  return uploadId;
}
const newEpisode = async () => {
  return (await newSeriesEpisodes(server, editor.token, editor.organizationId, 1)).episodeIds[0]!;
};
const uploadRowOf = async (episode: string) =>
  ((await server.orm.em.getConnection().execute(`select id, status from episode_upload where episode_id = ?`, [episode])) as Array<{ id: string; status: string }>)[0];
const uploadStatus = async (uploadId: string) =>
  ((await server.orm.em.getConnection().execute(`select status from episode_upload where id = ?`, [uploadId])) as Array<{ status: string }>)[0]?.status;
const episodeState = (episode: string) => server.gql(EPISODE_STATE, { id: episode }, { token: editor.token });

describe('killed between the last byte and processing', () => {
  it('an upload whose last PATCH was answered but whose processing never began is processed by the next start, once', async () => {
    const episode = await newEpisode();
    const clip = makeClip('answered-then-killed', { seconds: 3, width: 360, height: 640 });
    const bytes = readFileSync(clip);
    const uploadId = await answeredThenKilled(server, editor, episode, bytes);

    // Every byte stored, as HEAD says; nobody processing it.
    expect(await headOffset(server.url, uploadId)).toBe(bytes.length);
    expect(await uploadStatus(uploadId)).toBe('UPLOADING');

    // Two processes start at once in its place (a deployment's replicas): each finds the upload, one processes it.
    restarted.push(...(await Promise.all([startDoomed(), startDoomed()])));
    const done = await settledRead(() => episodeState(episode), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the upload to be processed after the restart', 60_000);
    expect(done.data!.episode).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
    expect(done.data!.episode.uploads.map((u) => u.status)).toEqual(['SUCCEEDED']);
    await eventually(async () => existsSync(path.join(server.config.uploads.dir, uploadId)), (exists) => !exists, 'the processed upload to be discarded');
    await Promise.all(restarted.splice(0).map((p) => p.kill()));
  }, 180_000);

  it('an upload missing bytes is left to its client by the next start, and finishes when they arrive', async () => {
    const episode = await newEpisode();
    const clip = makeClip('half-then-killed', { seconds: 3, width: 360, height: 640 });
    const bytes = readFileSync(clip);
    const half = Math.floor(bytes.length / 2);
    doomed = await startDoomed();
    const uploadId = await createUpload(doomed.url, episode, bytes.length);
    expect((await patchUpload(doomed.url, uploadId, 0, bytes.subarray(0, half))).status).toBe(204);
    await doomed.kill();

    // Start-up recovery runs once the process listens: wait until it has looked at the upload.
    const next = await startDoomed();
    restarted.push(next);
    await eventually(async () => next.output(), (out) => out.includes('uploads left by stopped processes are seen to'), 'start-up recovery to finish');
    expect(await uploadStatus(uploadId)).toBe('UPLOADING');
    expect(await headOffset(next.url, uploadId)).toBe(half);
    expect(statSync(path.join(server.config.uploads.dir, uploadId)).size).toBe(half);

    const rest = await patchUpload(next.url, uploadId, half, bytes.subarray(half));
    expect(rest.status).toBe(204);
    const done = await settledRead(() => episodeState(episode), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the resumed upload to be processed', 60_000);
    expect(done.data!.episode).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
    expect(done.data!.episode.mediaRevisions).toHaveLength(1);
    await Promise.all(restarted.splice(0).map((p) => p.kill()));
  }, 180_000);

  it('past its expiry, a complete upload nobody claimed is processed by the clean-up, not abandoned; a partial one is abandoned', async () => {
    const expiryHours = 0.002;
    const shortLived = await TestServer.start({ UPLOAD_EXPIRY_HOURS: String(expiryHours), UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS) });
    try {
      const owner = await shortLived.member(OrganizationKind.STUDIO, Role.EDITOR);
      const [complete, partial] = (await newSeriesEpisodes(shortLived, owner.token, owner.organizationId, 2)).episodeIds;
      const clip = makeClip('expired-unclaimed', { seconds: 3, width: 360, height: 640 });
      const bytes = readFileSync(clip);
      const started = Date.now();
      const partialId = await createUpload(shortLived.url, partial!, bytes.length, owner);
      expect((await patchUpload(shortLived.url, partialId, 0, bytes.subarray(0, 1000), owner)).status).toBe(204);
      const completeId = await answeredThenKilled(shortLived, owner, complete!, bytes, { UPLOAD_EXPIRY_HOURS: String(expiryHours) });

      await new Promise((r) => setTimeout(r, Math.max(0, started + expiryHours * 3600_000 + 500 - Date.now())));
      await shortLived.app.uploads.cleanUpExpired();

      const statuses = (await shortLived.orm.em.getConnection().execute(`select id, status from episode_upload`)) as Array<{ id: string; status: string }>;
      expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({ [completeId]: 'SUCCEEDED', [partialId]: 'ABANDONED' });
      const done = await shortLived.gql(EPISODE_STATE, { id: complete! }, { token: owner.token });
      expect(done.data!.episode).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
      expect(done.data!.episode.mediaRevisions).toHaveLength(1);
      expect(filesIn(shortLived.config.uploads.dir)).toEqual([]);
    } finally {
      await shortLived.stop();
    }
  }, 120_000);
});

describe('a stalled process whose upload was taken over', () => {
  it('leaves the upload’s file to the process that took it over, which finishes it', async () => {
    const episode = await newEpisode();
    const clip = makeClip('stalled-then-resumed', { seconds: 3, width: 360, height: 640 });
    const stalledGate = gatedFfmpeg('stalled');
    const takerGate = gatedFfmpeg('taker');
    doomed = await startDoomed(server, { FFMPEG_PATH: stalledGate.path });
    await uploadClip(doomed!, editor.token, episode, clip);
    await eventually(async () => stalledGate.started(), (started) => started, 'the first process to start decoding frames');
    const uploadId = (await uploadRowOf(episode))!.id;

    // The first process stalls (stopped, not killed): its lease lapses and this process takes the upload over.
    const previousFfmpeg = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = takerGate.path;
    try {
      doomed.child.kill('SIGSTOP');
      await eventually(async () => takerGate.started(), (started) => started, 'this process to take the upload over', 30_000);
      // The stalled process goes on, finds its claim lost, and stops.
      doomed.child.kill('SIGCONT');
      stalledGate.open();
      await eventually(async () => doomed!.output(), (output) => output.includes('another process took over this upload'), 'the stalled process to find its claim lost');
      // A moment for what it does next (it used to delete the upload's file here, failing the taker).
      await new Promise((r) => setTimeout(r, 1000));
      expect(existsSync(path.join(server.config.uploads.dir, uploadId))).toBe(true);
      takerGate.open();
      const done = await settledRead(() => episodeState(episode), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the taken-over upload to be finished', 60_000);
      expect(done.data!.episode).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
      expect(done.data!.episode.mediaRevisions).toHaveLength(1);
      expect(done.data!.episode.uploads.map((u) => u.status)).toEqual(['SUCCEEDED']);
    } finally {
      if (previousFfmpeg === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = previousFfmpeg;
      await doomed.kill();
    }
  }, 180_000);
});

describe('processing under way when its process is stopped', () => {
  // A lease far longer than the test: an upload is taken over only if it was handed back.
  const LONG_LEASE = { UPLOAD_PROCESSING_LEASE_SECONDS: '600' };
  let longLease: TestServer;
  let studio: SignedInMember;
  beforeAll(async () => {
    longLease = await TestServer.start(LONG_LEASE);
    studio = await longLease.member(OrganizationKind.STUDIO, Role.EDITOR);
  }, 60_000);
  afterAll(() => longLease?.stop());

  it('its last PATCH answered during the drain: the finished upload is handed over at once, not left waiting, and the next process finishes it', async () => {
    const episode = (await newSeriesEpisodes(longLease, studio.token, studio.organizationId, 1)).episodeIds[0]!;
    const clip = makeClip('finished-while-stopping', { seconds: 3, width: 360, height: 640 });
    const bytes = readFileSync(clip);
    const first = await startApiProcess(apiBeside(longLease, LONG_LEASE));
    let next: ApiProcess | undefined;
    try {
      const uploadId = await createUpload(first.url, episode, bytes.length, studio);
      let more!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => {
          more = controller;
          controller.enqueue(bytes.subarray(0, 1024));
        },
      });
      const last = fetch(`${first.url}/uploads/${uploadId}`, { method: 'PATCH', headers: { ...tusHeaders(studio), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body, duplex: 'half' } as RequestInit);
      const locksHeld = async () =>
        Number(
          ((await longLease.orm.em.getConnection().execute(
            `select count(*) as n from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted and a.datname = current_database() and a.application_name = '${LOCK_SESSION_NAME}'`,
          )) as Array<{ n: string }>)[0]!.n,
        );
      await eventually(locksHeld, (n) => n > 0, 'the PATCH to hold its lock');
      first.child.kill('SIGTERM');
      await eventually(async () => first.output(), (output) => output.includes('shutting down'), 'the process to begin stopping');
      more.enqueue(bytes.subarray(1024));
      more.close();
      expect((await last).status).toBe(204);
      await first.stop();
      expect(first.child.exitCode, first.output()).toBe(0);
      const [row] = (await longLease.orm.em.getConnection().execute(`select status, processing_claimed_at::text as claimed from episode_upload where id = ?`, [uploadId])) as Array<{ status: string; claimed: string }>;
      expect(row?.status, first.output()).toBe('PROCESSING');
      expect(Date.parse(row!.claimed), 'handed over').toBe(0);

      next = await startApiProcess(apiBeside(longLease, LONG_LEASE));
      const done = await settledRead(() => longLease.gql(EPISODE_STATE, { id: episode }, { token: studio.token }), (r) => uploadsEnded(r.data?.episode.uploads ?? []), 'the next process to finish the upload', 60_000);
      expect(done.data!.episode).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
    } finally {
      await first.kill();
      await next?.kill();
    }
  }, 180_000);

  it.each([
    ['Ctrl-C, a SIGINT to its whole process group (ffmpeg’s too)', (p: ApiProcess) => p.signalGroup('SIGINT')],
    ['a SIGTERM to it alone', async (p: ApiProcess) => (await p.stop(), p.child.exitCode)],
  ])('by %s: it exits cleanly, its ffmpeg stopped, the upload is handed back, not failed, and the next start finishes it', async (_how, stop) => {
    const episode = (await newSeriesEpisodes(longLease, studio.token, studio.organizationId, 1)).episodeIds[0]!;
    const clip = makeClip(`stopped-${_how.length}`, { seconds: 3, width: 360, height: 640 });
    const gate = gatedFfmpeg('stopped');
    const first = await startApiProcess(apiBeside(longLease, { ...LONG_LEASE, FFMPEG_PATH: gate.path }));
    let next: ApiProcess | undefined;
    try {
      await uploadClip(first, studio.token, episode, clip);
      await eventually(async () => gate.started(), (started) => started, 'processing to reach ffmpeg');
      expect(await stop(first), first.output()).toBe(0);
      expect(gate.running(), 'its ffmpeg is left running').toBe(false);
      const [row] = (await longLease.orm.em.getConnection().execute(`select status, failure_reason, processing_claimed_at::text as claimed from episode_upload where episode_id = ?`, [episode])) as Array<{ status: string; failure_reason: string | null; claimed: string }>;
      expect(row, first.output()).toMatchObject({ status: 'PROCESSING', failure_reason: null });
      expect(Date.parse(row!.claimed), 'the claim handed back').toBe(0);

      next = await startApiProcess(apiBeside(longLease, LONG_LEASE));
      const done = await settledRead(
        () => longLease.gql(EPISODE_STATE, { id: episode }, { token: studio.token }),
        (r) => uploadsEnded(r.data?.episode.uploads ?? []),
        'the next process to finish the upload',
        60_000,
      );
      expect(done.data!.episode).toMatchObject({ status: 'READY', media: { sha256: sha256Of(clip) } });
      expect(done.data!.episode.uploads.map((u) => u.status)).toEqual(['SUCCEEDED']);
    } finally {
      await first.kill();
      await next?.kill();
    }
  }, 180_000);
});
