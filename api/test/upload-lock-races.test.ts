import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { LOCK_SESSION_NAME } from '../src/uploads/postgres-locker';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { newSeriesEpisodes } from './support/catalog';
import { eventually, settledRead, uploadsEnded } from './support/media';
import { TestServer, type SignedInMember } from './support/server';
import { makeClip, sha256Of } from './support/videos';
import { tusMetadata } from './support/tus';

let server: TestServer;
let editor: SignedInMember;
let episodes: string[];

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_MAX_BYTES: String(5 * 1024 * 1024), MAX_EPISODE_DURATION_SECONDS: '300' });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  episodes = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 12)).episodeIds;
});
afterAll(() => server?.stop());

const EPISODE = graphql('query RaceEpisode($id: ID!) { episode(id: $id) { status uploadError media { sha256 } mediaRevisions { sha256 } uploads { status failureReason } } }');
const view = async (id: string) => (await server.gql(EPISODE, { id }, { token: editor.token })).data!.episode;
const settled = (id: string) => settledRead(() => view(id), (v) => !['UPLOADING', 'PROCESSING'].includes(v.status) && uploadsEnded(v.uploads), 'upload processing to finish');

const tusHeaders = () => ({ authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0' });
/** A request that must answer within 20 s (a hung request fails the test rather than its timeout). */
const send = (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });

async function create(episodeId: string, length: number, name: string): Promise<string> {
  const encoded = tusMetadata({ episodeId, filename: name, filetype: 'video/mp4' });
  const res = await send(`${server.url}/uploads`, { method: 'POST', headers: { ...tusHeaders(), 'upload-length': String(length), 'upload-metadata': encoded } });
  expect(res.status).toBe(201);
  return server.url + new URL(res.headers.get('location')!, server.url).pathname;
}
const patch = (url: string, offset: number, body: Uint8Array) =>
  send(url, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body });
const head = async (url: string) => {
  const res = await send(url, { method: 'HEAD', headers: tusHeaders() });
  return { status: res.status, offset: Number(res.headers.get('upload-offset')) };
};

describe('upload lock release', () => {
  it('back-to-back small PATCHes each followed at once by a HEAD: offsets advance exactly, the stored bytes are the file’s', async () => {
    const file = makeClip('race-rapid');
    const clip = readFileSync(file);
    const url = await create(episodes[0]!, clip.length, 'race-rapid.mp4');
    const chunk = 16 * 1024;
    for (let offset = 0; offset < clip.length; ) {
      const body = clip.subarray(offset, offset + chunk);
      const [res, h] = await Promise.all([patch(url, offset, body), new Promise((r) => setImmediate(r)).then(() => head(url))]);
      expect(res.status, `PATCH at ${offset}`).toBe(204);
      expect(h.status).toBe(200);
      // The HEAD ran before or after the PATCH, never in the middle of it, never backwards.
      expect([offset, offset + body.length]).toContain(h.offset);
      offset += body.length;
      expect(Number(res.headers.get('upload-offset'))).toBe(offset);
      expect((await head(url)).offset).toBe(offset);
    }
    const v = await settled(episodes[0]!);
    expect(v.status, JSON.stringify(v)).toBe('READY');
    expect(v.media!.sha256).toBe(sha256Of(file));
    expect(v.mediaRevisions).toHaveLength(1);
  });

  it('two clients PATCH the same offset at once: no 500 and no hang, the offset never skips, and the upload still finishes with the file’s bytes', async () => {
    const file = makeClip('race-two');
    const clip = readFileSync(file);
    const url = await create(episodes[1]!, clip.length, 'race-two.mp4');
    const chunk = 64 * 1024;
    let offset = 0;
    let rounds = 0;
    while (offset < clip.length) {
      rounds++;
      expect(rounds).toBeLessThan(500);
      const body = clip.subarray(offset, offset + chunk);
      const answers = await Promise.all([patch(url, offset, body), patch(url, offset, body)]);
      for (const a of answers) expect(a.status, `offset ${offset}: ${await a.clone().text()}`).toBeLessThan(500);
      const h = await head(url);
      expect(h.offset).toBeGreaterThanOrEqual(offset);
      expect(h.offset).toBeLessThanOrEqual(offset + body.length);
      offset = h.offset;
    }
    const v = await settled(episodes[1]!);
    expect(v.status, JSON.stringify(v)).toBe('READY');
    expect(v.media!.sha256).toBe(sha256Of(file));
    expect(v.mediaRevisions).toHaveLength(1);
  });

  it('a DELETE right after a PATCH ends the upload; a DELETE racing a PATCH answers neither with 500 nor hangs', async () => {
    const clip = readFileSync(makeClip('race-delete'));
    const url = await create(episodes[2]!, clip.length, 'race-delete.mp4');
    expect((await patch(url, 0, clip.subarray(0, 32 * 1024))).status).toBe(204);
    const del = await send(url, { method: 'DELETE', headers: tusHeaders() });
    expect(del.status).toBe(204);
    expect([404, 410]).toContain((await head(url)).status);

    const url2 = await create(episodes[3]!, clip.length, 'race-delete-2.mp4');
    const [p, d] = await Promise.all([patch(url2, 0, clip.subarray(0, 256 * 1024)), send(url2, { method: 'DELETE', headers: tusHeaders() })]);
    expect(p.status).toBeLessThan(500);
    expect(d.status).toBeLessThan(500);
    const after = await view(episodes[3]!);
    expect(after.mediaRevisions).toHaveLength(0);
  });

  it('another studio’s HEAD, PATCH and DELETE of an upload are refused without taking the lock from its own PATCH in flight', async () => {
    const stranger = await server.member(OrganizationKind.STUDIO, Role.OWNER);
    const file = makeClip('race-stranger');
    const clip = readFileSync(file);
    const url = await create(episodes[10]!, clip.length, 'race-stranger.mp4');
    const part = 48 * 1024;
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(clip.subarray(0, part));
        await finished;
        controller.close();
      },
    });
    const own = send(url, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body, duplex: 'half' } as RequestInit);
    await new Promise((r) => setTimeout(r, 300));
    const theirs = { authorization: `Bearer ${stranger.token}`, 'tus-resumable': '1.0.0' };
    const refused = [
      await send(url, { method: 'HEAD', headers: theirs }),
      await send(url, { method: 'PATCH', headers: { ...theirs, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: 'x' }),
      await send(url, { method: 'DELETE', headers: theirs }),
    ];
    expect(refused.map((r) => r.status)).toEqual([404, 404, 404]);
    finish();
    const res = await own;
    expect(res.status).toBe(204);
    expect(Number(res.headers.get('upload-offset'))).toBe(part);
    expect((await patch(url, part, clip.subarray(part))).status).toBe(204);
    const v = await settled(episodes[10]!);
    expect(v.media!.sha256).toBe(sha256Of(file));
  });

  it('a second client PATCHing while the first streams slowly (here and through another process) never corrupts the bytes, hangs or answers 500', async () => {
    const twin = await server.twin();
    try {
      const file = makeClip('race-slow', { seconds: 6, width: 720, height: 1280 });
      const clip = readFileSync(file);
      const url = await create(episodes[11]!, clip.length, 'race-slow.mp4');
      const statuses: number[] = [];
      let offset = 0;
      for (let round = 0; offset < clip.length; round++) {
        expect(round).toBeLessThan(200);
        const from = offset;
        const slice = clip.subarray(from, from + 64 * 1024);
        let i = 0;
        const slow = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (i >= slice.length) return controller.close();
            await new Promise((r) => setTimeout(r, 15));
            controller.enqueue(slice.subarray(i, i + 8 * 1024));
            i += 8 * 1024;
          },
        });
        const first = send(url, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': String(from), 'content-type': 'application/offset+octet-stream' }, body: slow, duplex: 'half' } as RequestInit).then(
          (r) => r.status,
          () => 0,
        );
        await new Promise((r) => setTimeout(r, 60));
        const base = round % 2 ? twin.url : server.url;
        const secondUrl = base + new URL(url).pathname;
        const second = await patch(secondUrl, from, slice);
        statuses.push(second.status, await first);
        for (const st of statuses.slice(-2)) expect(st).toBeLessThan(500);
        const h = await head(url);
        expect(h.offset).toBeGreaterThanOrEqual(from);
        offset = h.offset;
      }
      const v = await settled(episodes[11]!);
      expect(v.status, JSON.stringify({ v, statuses })).toBe('READY');
      expect(v.media!.sha256).toBe(sha256Of(file));
      expect(v.mediaRevisions).toHaveLength(1);
    } finally {
      await twin.app.stop();
      await twin.orm.close();
    }
  }, 120_000);

  it('PATCHes stalled mid-body hold no database connection: with more of them than the upload pool has connections, other uploads are created, written and finished, and the stalled ones resume', async () => {
    const STALLED = 30; // the upload pool holds 20 connections
    const { episodeIds } = await newSeriesEpisodes(server, editor.token, editor.organizationId, STALLED + 1);
    const file = makeClip('race-stalled');
    const clip = readFileSync(file);
    const part = 16 * 1024;
    const advisoryLocks = async () =>
      (await server.orm.em.getConnection().execute<Array<{ locks: string; sessions: string }>>(
        `select count(*) as locks, count(distinct pid) as sessions from pg_locks l join pg_stat_activity a using (pid)
         where l.locktype = 'advisory' and l.granted and a.datname = current_database() and a.application_name = '${LOCK_SESSION_NAME}'`,
      ))[0]!;
    const stop = new AbortController();
    const urls = await Promise.all(episodeIds.slice(0, STALLED).map((id, i) => create(id, clip.length, `stalled-${i}.mp4`)));
    const stalled = urls.map((url) => {
      const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(clip.subarray(0, part)) });
      return fetch(url, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body, duplex: 'half', signal: stop.signal } as RequestInit).catch(() => undefined);
    });
    try {
      // Every stalled PATCH has its upload's lock (its first bytes are stored) before the rest goes on.
      const held = await settledRead(advisoryLocks, (l) => Number(l.locks) >= STALLED, 'every stalled PATCH to hold its lock');
      // All on the process's one lock session, however many.
      expect(Number(held.sessions), JSON.stringify(held)).toBe(1);
      const url = await create(episodeIds[STALLED]!, clip.length, 'beside-the-stalled.mp4');
      expect((await patch(url, 0, clip)).status).toBe(204);
      const v = await settled(episodeIds[STALLED]!);
      expect(v.media?.sha256, JSON.stringify(v)).toBe(sha256Of(file));
    } finally {
      stop.abort();
      await Promise.all(stalled);
    }
    // A client resuming a stalled upload finds what arrived and finishes it.
    const h = await head(urls[0]!);
    expect(h.status).toBe(200);
    expect((await patch(urls[0]!, h.offset, clip.subarray(h.offset))).status).toBe(204);
    expect((await settled(episodeIds[0]!)).media?.sha256).toBe(sha256Of(file));
  }, 120_000);

  it('a lock session PostgreSQL ends while the process lives: the PATCH it locked for stops writing at once (another process may take the lock now), is refused without a 500, and the upload resumes on a new session to the file’s bytes', async () => {
    const [episodeId] = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 1)).episodeIds;
    const file = makeClip('race-session-lost');
    const clip = readFileSync(file);
    const url = await create(episodeId!, clip.length, 'session-lost.mp4');
    const part = 16 * 1024;
    let more!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        more = controller;
        controller.enqueue(clip.subarray(0, part));
      },
    });
    const cut = send(url, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body, duplex: 'half' } as RequestInit);
    const db = server.orm.em.getConnection();
    const sessionSql = `select l.pid from pg_locks l join pg_stat_activity a using (pid)
      where l.locktype = 'advisory' and l.granted and a.datname = current_database() and a.application_name = '${LOCK_SESSION_NAME}'`;
    const [holder] = await settledRead(() => db.execute<Array<{ pid: number }>>(sessionSql), (rows) => rows.length === 1, 'the PATCH to hold its lock');
    // The lock shows once taken ahead, while the rate limit is counted; a moment later the library has
    // adopted it and reads the body. A loss in between is no loss to the PATCH (it locks again), so the
    // session is ended once the PATCH is past that point.
    await new Promise((r) => setTimeout(r, 300));
    const lostBefore = server.logLines.filter((l) => l.includes('upload lock session was lost')).length;
    await db.execute('select pg_terminate_backend(?)', [holder!.pid]);
    await eventually(async () => server.logLines.filter((l) => l.includes('upload lock session was lost')).length, (n) => n > lostBefore, 'the server to see its lock session lost');
    // The rest of the file arrives after the lock is gone: none of it may be written.
    more.enqueue(clip.subarray(part));
    more.close();
    const answer = await cut;
    expect(answer.status, await answer.text()).toBe(423);
    const h = await head(url);
    expect(h.status).toBe(200);
    // The first 16 KiB were still being gathered into a chunk when the lock went: nothing of this PATCH is stored.
    expect(h.offset, 'bytes written after the lock was lost').toBe(0);
    // Locked on a new session (the old one can take no lock, so the PATCH would wait out its 30 s and be refused).
    expect((await patch(url, h.offset, clip.subarray(h.offset))).status).toBe(204);
    expect((await settled(episodeId!)).media?.sha256).toBe(sha256Of(file));
  });

  it('while a lock session cannot be opened (the database refuses connections) a PATCH waits for one, and gets it once the database takes connections again: the process carries on', async () => {
    const [episodeId] = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 1)).episodeIds;
    const file = makeClip('race-session-refused');
    const clip = readFileSync(file);
    const url = await create(episodeId!, clip.length, 'session-refused.mp4');
    const db = server.orm.em.getConnection();
    const database = (await db.execute<Array<{ name: string }>>('select current_database() as name'))[0]!.name;
    // A database's connections are allowed or not from another one.
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    let waiting: Promise<Response>;
    await admin.query(`alter database "${database}" allow_connections false`);
    try {
      await db.execute(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = '${LOCK_SESSION_NAME}'`);
      // Its lock waits: every attempt to open a session fails for a second.
      waiting = patch(url, 0, clip);
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await admin.query(`alter database "${database}" allow_connections true`);
      await admin.end();
    }
    expect((await waiting).status).toBe(204);
    expect((await settled(episodeId!)).media?.sha256).toBe(sha256Of(file));
  });

  it('many uploads in parallel each store their own file’s bytes', async () => {
    const files = [4, 5, 6, 7, 8, 9].map((i) => makeClip(`race-parallel-${i}`, { seconds: 2 + (i % 3) }));
    await Promise.all(
      files.map(
        (file, i) =>
          new Promise<void>((resolve, reject) => {
            const up = new tus.Upload(readFileSync(file), {
              endpoint: `${server.url}/uploads`,
              chunkSize: 24 * 1024,
              retryDelays: [],
              headers: { authorization: `Bearer ${editor.token}` },
              metadata: { episodeId: episodes[4 + i]!, filename: path.basename(file), filetype: 'video/mp4' },
              onError: reject,
              onSuccess: () => resolve(),
            });
            up.start();
          }),
      ),
    );
    for (const [i, file] of files.entries()) {
      const v = await settled(episodes[4 + i]!);
      expect(v.status, JSON.stringify(v)).toBe('READY');
      expect(v.media!.sha256).toBe(sha256Of(file));
      expect(v.mediaRevisions).toHaveLength(1);
    }
  });
});
