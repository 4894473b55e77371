import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/modules/membership/membership.entity';
import { OrganizationKind } from '../src/modules/organization/organization.entity';
import { newSeriesEpisodes } from './support/catalog';
import { TestServer, type SignedInMember } from './support/server';
import { tusMetadata } from './support/tus';

let server: TestServer;
let editor: SignedInMember;
let episodes: string[];
let port: number;

beforeAll(async () => {
  server = await TestServer.start({ UPLOAD_MAX_BYTES: String(64 * 1024 * 1024) });
  editor = await server.member(OrganizationKind.STUDIO, Role.EDITOR);
  episodes = (await newSeriesEpisodes(server, editor.token, editor.organizationId, 6)).episodeIds;
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.stop());

/** A raw HTTP exchange: writes `head`, then body pieces on a schedule; records what came back and when. */
function raw(head: string, pieces: Array<Buffer | number>, opts: { waitMs?: number; halfOpen?: boolean } = {}) {
  return new Promise<{ text: string; firstByteMs?: number; finMs?: number; closeMs: number; writeError?: string; reset?: boolean }>((resolve) => {
    const t0 = Date.now();
    const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: !!opts.halfOpen });
    let text = '';
    const r: { firstByteMs?: number; finMs?: number; writeError?: string; reset?: boolean } = {};
    sock.on('data', (d) => {
      r.firstByteMs ??= Date.now() - t0;
      text += d.toString('latin1');
    });
    sock.on('end', () => (r.finMs = Date.now() - t0));
    sock.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code === 'ECONNRESET') r.reset = true;
      else r.writeError = (e as NodeJS.ErrnoException).code;
    });
    sock.on('close', () => resolve({ text, ...r, closeMs: Date.now() - t0 }));
    sock.write(head);
    (async () => {
      for (const p of pieces) {
        if (sock.destroyed) break;
        if (typeof p === 'number') await new Promise((res) => setTimeout(res, p));
        else if (sock.writable) sock.write(p);
      }
      if (opts.waitMs) setTimeout(() => sock.destroy(), opts.waitMs);
    })();
  });
}

async function create(episodeId: string, length: number): Promise<string> {
  const encoded = tusMetadata({ episodeId, filename: 'x.mp4', filetype: 'video/mp4' });
  const res = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': encoded } });
  expect(res.status).toBe(201);
  return new URL(res.headers.get('location')!, server.url).pathname;
}
const patchHead = (path: string, offset: number, length: number, extra = '') =>
  `PATCH ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${editor.token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: ${offset}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: ${length}\r\n${extra}\r\n`;
const statusLines = (t: string) => t.split('\r\n').filter((l) => l.startsWith('HTTP/')).join(' | ');

/**
 * Connections closed in stages (serverClosingInStages) on the real API: an upload refused mid-body
 * is read to the client's end, and nothing the client sent after it is served.
 */
describe('closing a connection in stages', () => {
  it('clients that keep trickling a refused body and never close their side are closed about 2 s after the answer, many at once', async () => {
    const path = await create(episodes[5]!, 10 * 1024 * 1024);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => new Promise<{ answerMs?: number; closeMs: number; status: string }>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      let text = '';
      let answerMs: number | undefined;
      s.on('error', () => {});
      s.on('data', (d) => { answerMs ??= Date.now() - t0; text += d.toString('latin1'); });
      s.write(patchHead(path, 11, 8 * 1024 * 1024));
      const iv = setInterval(() => s.writable && s.write(Buffer.alloc(4096)), 50);
      s.on('close', () => { clearInterval(iv); resolve({ answerMs, closeMs: Date.now() - t0, status: statusLines(text) }); });
      setTimeout(() => s.destroy(), 15_000);
    })));
    const spans = results.map((r) => r.closeMs - (r.answerMs ?? 0)).sort((a, b) => a - b);
    for (const r of results) expect(r.status).toMatch(/^HTTP\/1\.1 409 /);
    expect(spans[49]).toBeLessThan(3000);
  }, 60_000);

  it('a PATCH pipelined after the rest of a body refused with Connection: close is not served: the other upload does not move', async () => {
    const refused = await create(episodes[0]!, 10 * 1024 * 1024);
    const victim = await create(episodes[1]!, 1024 * 1024);
    const before = await fetch(server.url + victim, { method: 'HEAD', headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0' } });
    const start = Number(before.headers.get('upload-offset'));
    const n = 64 * 1024;
    const refusedBody = Buffer.alloc(n, 1);
    const next = patchHead(victim, start, 1000);
    const r = await raw(patchHead(refused, 5, n), [refusedBody.subarray(0, 1000), 300, Buffer.concat([refusedBody.subarray(1000), Buffer.from(next), Buffer.alloc(1000, 9)])], { waitMs: 2500, halfOpen: true });
    const after = await fetch(server.url + victim, { method: 'HEAD', headers: { authorization: `Bearer ${editor.token}`, 'tus-resumable': '1.0.0' } });
    // The refusal was read in full; nothing answers the request after it.
    expect(statusLines(r.text)).toMatch(/^HTTP\/1\.1 409 [^|]*$/);
    expect(Number(after.headers.get('upload-offset'))).toBe(start);
  }, 60_000);
  it('a GraphQL mutation pipelined after a PATCH body refused with Connection: close does not run (its client never gets an answer)', async () => {
    const refused = await create(episodes[2]!, 10 * 1024 * 1024);
    const title = `Ghost series ${Date.now()}`;
    const json = JSON.stringify({ query: 'mutation($s: ID!, $i: SeriesInput!) { createSeries(studioId: $s, input: $i) { id } }', variables: { s: editor.organizationId, i: { title, originalLanguage: 'en' } } });
    const gqlReq = `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${editor.token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    const n = 64 * 1024;
    const r = await raw(patchHead(refused, 5, n), [Buffer.alloc(1000), 300, Buffer.concat([Buffer.alloc(n - 1000), Buffer.from(gqlReq)])], { waitMs: 2500, halfOpen: true });
    const rows = (await server.orm.em.fork().getConnection().execute(`select title from series where title = ?`, [title])) as unknown[];
    expect(statusLines(r.text)).toMatch(/^HTTP\/1\.1 409 [^|]*$/);
    expect(rows).toHaveLength(0);
  }, 60_000);
  it('a PATCH pipelined behind a refused whole request keeps its own body: what it stores is a prefix of what was sent', async () => {
    let bad = 0;
    for (let round = 0; round < 6; round++) {
      const refused = await create(episodes[3]!, 10 * 1024 * 1024);
      const victim = await create(episodes[4]!, 4 * 1024 * 1024);
      const data = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 255));
      const first = patchHead(refused, 5, 10) + 'abcdefghij';
      const lead = round * 3000;
      const r = await raw(first + patchHead(victim, 0, data.length) + data.subarray(0, lead).toString('latin1'), [
        ...Array.from({ length: 20 }, (_, i) => [20, data.subarray(lead + Math.floor(((data.length - lead) * i) / 20), lead + Math.floor(((data.length - lead) * (i + 1)) / 20))]).flat(),
      ] as Array<Buffer | number>, { waitMs: 2500, halfOpen: true });
      const stored = readFileSync(path.join(server.config.uploads.dir, victim.split('/').pop()!));
      const exact = stored.equals(data.subarray(0, stored.length));
      expect(statusLines(r.text)).toMatch(/^HTTP\/1\.1 409 /);
      bad += exact ? 0 : 1;
    }
    expect(bad).toBe(0);
  }, 120_000);
});
