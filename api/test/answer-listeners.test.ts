import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphql } from '../../schema/graphql';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { newSeriesEpisodes } from './support/catalog';
import { TestServer, type SignedInMember } from './support/server';
import { tusMetadata } from './support/tus';

// Every answer of the real API, whatever its kind, stays within Node's listener limit: a path that
// added one more 'close' listener per answer (as three trackers of answers in flight once did, each
// its own, beside pino-http's and a stream pipeline's seven) had the process warn of a leak on every
// answer streamed from /media.

let server: TestServer;
let editor: SignedInMember;
let episodes: string[];
let port: number;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
/** The most 'close' listeners any response carried, with the request that had it. */
const most = { count: 0, on: '' };

beforeAll(async () => {
  server = await TestServer.start();
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  episodes = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 2)).episodeIds;
  port = Number(new URL(server.url).port);
  process.on('warning', onWarning);
  // After the API's own 'request' listeners: every listener added from then on is counted as it comes.
  server.app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.on('newListener', (event: string | symbol) => {
      if (event !== 'close') return;
      const count = res.listenerCount('close') + 1;
      if (count > most.count) Object.assign(most, { count, on: `${req.method} ${req.url}` });
    });
  });
});
afterAll(async () => {
  process.off('warning', onWarning);
  await server?.stop();
});

const auth = () => ({ authorization: `Bearer ${editor.token}` });
const tus = () => ({ ...auth(), 'tus-resumable': '1.0.0' });

/** Writes `bytes` on a fresh connection, then `rest` after a pause; what came back once the server closed or `waitMs` passed. */
function raw(bytes: string, rest?: Buffer, waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.write(bytes);
    if (rest) setTimeout(() => socket.writable && socket.write(rest), 100);
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

it('no answer of any kind carries more close listeners than Node allows, and the process never warns of a leak', async () => {
  const metadata = tusMetadata({ episodeId: episodes[0]!, filename: 'x.mp4', filetype: 'video/mp4' });
  for (let round = 0; round < 3; round++) {
    // GraphQL, health and a route nobody serves, over fetch's kept-alive connections.
    const vtt = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nRound ${round}\n`;
    const set = await server.gql(graphql('mutation($i: SubtitlesInput!) { setSubtitles(input: $i) { id } }'), { i: { episodeId: episodes[1]!, language: 'en', format: 'WEBVTT', content: vtt } }, { token: editor.token });
    expect(set.errors).toBeUndefined();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    // Media: streamed whole and in ranges, revalidated, and HEAD.
    const media = `${server.url}/media/subtitles/${set.data!.setSubtitles.id}.vtt`;
    const whole = await fetch(media, { headers: auth() });
    expect([whole.status, await whole.text()]).toEqual([200, vtt]);
    expect((await fetch(media, { headers: { ...auth(), range: 'bytes=0-5' } })).status).toBe(206);
    expect((await fetch(media, { headers: { ...auth(), 'if-none-match': whole.headers.get('etag')! } })).status).toBe(304);
    expect((await fetch(media, { method: 'HEAD', headers: auth() })).status).toBe(200);
    // Uploads: created, written, read, refused, cancelled.
    const created = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { ...tus(), 'upload-length': '1000', 'upload-metadata': metadata } });
    expect(created.status).toBe(201);
    const upload = new URL(created.headers.get('location')!, server.url).pathname;
    const patch = (offset: number, body: Buffer) => fetch(server.url + upload, { method: 'PATCH', headers: { ...tus(), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body });
    expect((await patch(0, Buffer.alloc(100, 1))).status).toBe(204);
    expect((await patch(5, Buffer.alloc(100, 1))).status).toBe(409);
    expect((await fetch(server.url + upload, { method: 'HEAD', headers: tus() })).headers.get('upload-offset')).toBe('100');
    // A PATCH refused mid-body (the connection closed in stages), a HEAD pipelined behind it, and a malformed request behind a GET.
    const patchHead = `PATCH ${upload} HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${editor.token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 7\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 800\r\n\r\n`;
    const headBehind = `HEAD ${upload} HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${editor.token}\r\nTus-Resumable: 1.0.0\r\n\r\n`;
    expect(await raw(patchHead + 'x'.repeat(100), Buffer.concat([Buffer.alloc(700, 2), Buffer.from(headBehind)]))).toMatch(/^HTTP\/1\.1 409 /);
    const get = `GET /media/subtitles/${set.data!.setSubtitles.id}.vtt HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${editor.token}\r\n\r\n`;
    const health = 'GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n';
    expect(await raw(get + health + get + headBehind + get)).toMatch(/^HTTP\/1\.1 200 /);
    expect(await raw(get, Buffer.from('NOT HTTP\r\n\r\n'))).toMatch(/^HTTP\/1\.1 200 /);
    expect((await fetch(server.url + upload, { method: 'DELETE', headers: tus() })).status).toBe(204);
  }
  await new Promise((resolve) => setImmediate(resolve));
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  expect(most.count, most.on).toBeGreaterThan(0);
  expect(most.count, most.on).toBeLessThanOrEqual(EventEmitter.defaultMaxListeners);
}, 60_000);
