import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { seriesWithEpisodes } from './support/catalog';
import { eventually } from './support/media';
import { startApiProcess, type ApiProcess } from './support/processes';
import { TestServer, type SignedInMember } from './support/server';
import { makeClip, sha256Of } from './support/videos';

/**
 * An upload whose processing process dies midway is taken over by another running API process once
 * its lease lapses — no restart needed. Needs `npm run build -w api` first (the test script does it).
 */
const LEASE_SECONDS = 2;
let server: TestServer;
let editor: SignedInMember;
let episodeId: string;
let doomed: ApiProcess | undefined;
let hangingFfmpegPid: string | undefined;
const hangDir = mkdtempSync(path.join(tmpdir(), 'greenlight-hang-'));

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_PROCESSING_LEASE_SECONDS: String(LEASE_SECONDS) });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  const seriesId = await seriesWithEpisodes(server, editor.token, editor.organizationId, 1);
  const res = await server.gql<{ series: { episodes: { nodes: Array<{ id: string }> } } }>('query($id: ID!) { series(id: $id) { episodes { nodes { id } } } }', { id: seriesId }, { token: editor.token });
  episodeId = res.data!.series.episodes.nodes[0]!.id;
}, 60_000);
afterAll(async () => {
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
      () => server.gql<{ episode: { status: string; media: { sha256: string } | null; mediaRevisions: unknown[]; uploads: Array<{ status: string }> } }>('query($id: ID!) { episode(id: $id) { status media { sha256 } mediaRevisions { id } uploads { status } } }', { id: episodeId }, { token: editor.token }),
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
