import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { postLicenseDocument } from './support/license-documents';
import { LICENSE } from './support/publishing';
import { eventually } from './support/media';
import { startApiProcess, type ApiProcess } from './support/processes';
import { TestServer, type SignedInMember } from './support/server';
import { makeClip, sha256Of } from './support/videos';

const SERIES_EPISODES = graphql(`query RecoverySeriesEpisodes($id: ID!) { series(id: $id) { episodes { nodes { id } } } }`);
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
let lock: pg.Client | undefined;
let hangingFfmpegPid: string | undefined;
const hangDir = mkdtempSync(path.join(tmpdir(), 'greenlight-hang-'));

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS) });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
  const res = await server.gql(SERIES_EPISODES, { id: seriesId }, { token: editor.token });
  episodeId = res.data!.series.episodes.nodes[0]!.id;
}, 60_000);
afterAll(async () => {
  await lock?.end().catch(() => undefined);
  await doomed?.kill();
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
    doomed = await startApiProcess({
      NODE_ENV: 'test',
      DATABASE_URL: server.databaseUrl,
      DATA_DIR: server.config.dataDir,
      APP_SECRET: server.config.appSecret,
      SEED_DEMO_DATA: 'false',
      AI_PROVIDER: 'rules',
      OPENAI_API_KEY: '',
      RUN_WORKER: 'false',
      FFMPEG_PATH: hangingFfmpeg,
      UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS),
    });
    const clip = makeClip('recovered', { seconds: 4, width: 360, height: 640 });
    await new Promise<void>((resolve, reject) => {
      new tus.Upload(readFileSync(clip), {
        endpoint: `${doomed!.url}/uploads`,
        chunkSize: 256 * 1024,
        retryDelays: [],
        headers: { authorization: `Bearer ${editor.token}` },
        metadata: { episodeId, filename: 'recovered.mp4', filetype: 'video/mp4' },
        onError: reject,
        onSuccess: () => resolve(),
      }).start();
    });
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
const startDoomed = () =>
  startApiProcess({
    NODE_ENV: 'test',
    DATABASE_URL: server.databaseUrl,
    DATA_DIR: server.config.dataDir,
    APP_SECRET: server.config.appSecret,
    SEED_DEMO_DATA: 'false',
    AI_PROVIDER: 'rules',
    OPENAI_API_KEY: '',
    RUN_WORKER: 'false',
    UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS),
  });

/**
 * Holds `table` in SHARE mode from another connection: reads go on, the first write to it waits — so a
 * process can be stopped exactly between two steps (after its file is stored, before its row is written).
 */
async function blockWritesTo(table: string): Promise<{ waiting(): Promise<boolean>; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  lock = client;
  await client.query('begin');
  await client.query(`lock table ${table} in share mode`);
  return {
    waiting: async () => (await client.query(`select 1 from pg_locks where relation = $1::regclass and not granted`, [table])).rowCount! > 0,
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
    const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
    const episode = (await server.gql(graphql('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }'), { id: seriesId }, { token: editor.token })).data!.series.episodes.nodes[0]!.id;
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
