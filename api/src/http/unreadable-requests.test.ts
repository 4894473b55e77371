import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { serverClosingInStages } from './closing-in-stages';
import { answerUnreadableRequests } from './unreadable-requests';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

const BIG = 8 * 1024 * 1024;

/**
 * A server for pipelined requests: `/media` streams its 20 bytes in two halves 300 ms apart; `/slow`
 * (a mutation, say) starts its answer after 300 ms; `/noread` answers 401 without reading its body,
 * in two halves; `/big` answers 8 MiB with Connection: close, `/bigkeep` without; `/hang` never
 * answers; anything else reads its whole body, then answers its length.
 */
async function server() {
  const handled: string[] = [];
  const s = serverClosingInStages((req, res) => {
    handled.push(req.url ?? '');
    if (req.url === '/hang') return;
    if (req.url === '/media') {
      res.writeHead(200, { 'Content-Length': 20 });
      res.write('0123456789');
      return void setTimeout(() => res.end('abcdefghij'), 300);
    }
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200, { 'Content-Length': 4 }).end('done'), 300);
    if (req.url === '/noread') {
      // Answers without reading its body, in two halves.
      return void setTimeout(() => {
        res.writeHead(401, { 'Content-Length': 6 }).write('sig');
        setTimeout(() => res.end('nin'), 400);
      }, 50);
    }
    if (req.url === '/big') {
      res.writeHead(200, { 'Content-Length': BIG, Connection: 'close' });
      res.end(Buffer.alloc(BIG, 'x'));
      return;
    }
    if (req.url === '/bigkeep') {
      res.writeHead(200, { 'Content-Length': BIG });
      res.end(Buffer.alloc(BIG, 'x'));
      return;
    }
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => res.writeHead(200, { 'Content-Length': String(n).length }).end(String(n)));
  });
  answerUnreadableRequests(s, 16 * 1024);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, server: s, handled };
}

function connections(s: http.Server): Promise<number> {
  return new Promise((resolve) => s.getConnections((_e, n) => resolve(n)));
}

/** Writes `parts` (with `gapMs` between), collects what comes back until close or `waitMs`. */
function exchange(port: number, parts: string[], gapMs: number, waitMs: number, opts: { readDelayMs?: number; halfOpen?: boolean } = {}) {
  return new Promise<{ text: Buffer; closed: boolean; error?: string }>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: opts.halfOpen ?? false });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    if (opts.readDelayMs) {
      socket.pause();
      setTimeout(() => socket.resume(), opts.readDelayMs);
    }
    socket.on('data', (b: Buffer) => chunks.push(b));
    parts.forEach((p, i) => setTimeout(() => socket.writable && socket.write(p), i * gapMs));
    let settled = false;
    const done = (closed: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ text: Buffer.concat(chunks), closed, error });
      socket.destroy();
    };
    socket.on('close', () => done(true));
    setTimeout(() => done(false), waitMs);
  });
}


/** Sends `first`, then `second` after `gapMs`, half-open; what came back once the server closed or 1 s passed. */
const exchangeTwo = async (port: number, first: string, second: string, gapMs: number): Promise<string> =>
  (await exchange(port, [first, second], gapMs, 1000, { halfOpen: true })).text.toString('latin1');

it('a request the parser refuses is answered with our status and words when nothing else is going out', async () => {
  const { port } = await server();
  const text = await exchangeTwo(port, 'NOT HTTP\r\n\r\n', '', 0);
  expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect(text).toContain('Upload-Refusal-Reason: REQUEST_MALFORMED');
});

it('a malformed request pipelined behind an answer still streaming waits for it: that answer whole, then the refusal, then the close', async () => {
  const { port } = await server();
  const text = await exchangeTwo(port, 'GET /media HTTP/1.1\r\nHost: api\r\n\r\n', 'NOT HTTP\r\n\r\n', 100);
  const [head, rest = ''] = text.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
  // Never another answer's bytes inside it.
  expect(rest.startsWith('0123456789abcdefghijHTTP/1.1 400 Bad Request\r\n')).toBe(true);
  expect(text).toContain('Upload-Refusal-Reason: REQUEST_MALFORMED');
});

it('a malformed request pipelined behind one whose answer has not started is not read as that answer: its own answer first, then the refusal', async () => {
  const { port } = await server();
  // In one write and in two: the parser may meet the malformed bytes in the same chunk as the request before them.
  for (const gapMs of [0, 100]) {
    const text = await exchangeTwo(port, 'POST /slow HTTP/1.1\r\nHost: api\r\nContent-Length: 2\r\n\r\n{}', 'NOT HTTP\r\n\r\n', gapMs);
    expect(text, `${gapMs} ms apart`).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\ndoneHTTP\/1\.1 400 Bad Request\r\n/);
    expect(text.match(/HTTP\/1\.1 \d{3} /g), `${gapMs} ms apart`).toHaveLength(2);
  }
});

it('a malformed request pipelined behind several: each earlier answer in order, then one refusal, however many chunks follow', async () => {
  const { port } = await server();
  const text = await exchangeTwo(port, 'POST /slow HTTP/1.1\r\nHost: api\r\nContent-Length: 0\r\n\r\nGET /media HTTP/1.1\r\nHost: api\r\n\r\nNOT HTTP\r\n\r\n', 'MORE JUNK\r\n\r\n', 50);
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
  expect(statuses).toEqual(['200', '200', '400']);
  expect(text).toContain('\r\n\r\ndoneHTTP/1.1 200 OK');
  expect(text).toContain('0123456789abcdefghijHTTP/1.1 400');
});

it('a chunked body broken mid-request is refused, not left hanging', async () => {
  const { port } = await server();
  const r = await exchange(port, ['POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', 'ZZZ\r\n\r\n'], 50, 3000);
  expect(r.text.toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
  expect(r.closed).toBe(true);
});

it('a trailer section too large in a chunked body is refused, not left hanging', async () => {
  const { port } = await server();
  const r = await exchange(port, ['POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n', `X-T: ${'a'.repeat(20_000)}\r\n\r\n`], 50, 3000);
  expect(r.text.toString('latin1')).toMatch(/^HTTP\/1\.1 (400|431) /);
  expect(r.closed).toBe(true);
});

it('an 8 MiB answer ending the connection, read slowly, then garbage: the answer arrives whole', async () => {
  const { port } = await server();
  const r = await exchange(port, ['GET /big HTTP/1.1\r\nHost: a\r\n\r\n', 'NOT HTTP\r\n\r\n'], 100, 5000, { readDelayMs: 1000 });
  const text = r.text.toString('latin1');
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  expect(body.length).toBe(BIG);
  expect(r.error).toBeUndefined();
});

it('an 8 MiB kept-alive answer read slowly, then garbage: the answer whole then the refusal', async () => {
  const { port } = await server();
  const r = await exchange(port, ['GET /bigkeep HTTP/1.1\r\nHost: a\r\n\r\n', 'NOT HTTP\r\n\r\n'], 100, 5000, { readDelayMs: 1000 });
  const text = r.text.toString('latin1');
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  expect(body.length).toBe(BIG + body.slice(BIG).length);
  expect(body.slice(BIG)).toMatch(/^HTTP\/1\.1 400 /);
});

// The refusal half-closes the connection: a client that never closes its side is let go after LINGER_MS.
it('a refusal with nothing before it: the server closes the connection even if the client never does', async () => {
  const { port, server: s } = await server();
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => undefined);
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString('latin1')));
  socket.write('NOT HTTP\r\n\r\n');
  await new Promise((r) => setTimeout(r, 3000));
  expect(text).toMatch(/^HTTP\/1\.1 400/);
  const open = await connections(s);
  socket.destroy();
  expect(open).toBe(0);
});

it('a hung earlier answer, the client vanishes: the connection is let go', async () => {
  const { port, server: s } = await server();
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  socket.write('GET /hang HTTP/1.1\r\nHost: a\r\n\r\nNOT HTTP\r\n\r\n');
  for (let i = 0; i < 50; i++) socket.write('JUNK JUNK JUNK\r\n');
  await new Promise((r) => setTimeout(r, 300));
  socket.destroy();
  await new Promise((r) => setTimeout(r, 300));
  expect(await connections(s)).toBe(0);
});

it('many connections each pipelining then garbage: every answer whole and in order, nothing left open, no warnings', async () => {
  const { port, server: s } = await server();
  const warnings: Error[] = [];
  const onWarn = (w: Error) => warnings.push(w);
  process.on('warning', onWarn);
  const req = 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc';
  const results = await Promise.all(
    Array.from({ length: 40 }, () => exchange(port, [req + req, 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: zz\r\n\r\n', 'junk'.repeat(100)], 20, 4000)),
  );
  process.off('warning', onWarn);
  for (const r of results) {
    const statuses = [...r.text.toString('latin1').matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '400']);
    expect(r.closed).toBe(true);
  }
  await new Promise((r) => setTimeout(r, 200));
  expect(await connections(s)).toBe(0);
  expect(warnings).toEqual([]);
});

it('a chunked body broken mid-request behind an earlier answer: that answer first, then the refusal', async () => {
  const { port } = await server();
  const r = await exchange(port, ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcPOST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', 'ZZZ\r\n\r\n'], 50, 3000);
  const statuses = [...r.text.toString('latin1').matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
  expect(statuses).toEqual(['200', '400']);
  expect(r.text.toString('latin1')).toContain('\r\n\r\n3HTTP/1.1 400');
  expect(r.closed).toBe(true);
});

it('a broken chunked body whose handler answers without it while an earlier answer is pending: earlier, its own answer whole, which ends the connection, never interleaved', async () => {
  const { port } = await server();
  const r = await exchange(port, ['GET /slow HTTP/1.1\r\nHost: a\r\n\r\nPOST /noread HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\n\r\n'], 0, 3000);
  const text = r.text.toString('latin1');
  expect([...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])).toEqual(['200', '401']);
  expect(text).toContain('\r\n\r\ndoneHTTP/1.1 401');
  // Answered before its body had all arrived, the 401 ends the connection: nothing follows it.
  expect(text.slice(text.indexOf('HTTP/1.1 401')).toLowerCase()).toContain('connection: close');
  expect(text.endsWith('\r\n\r\nsignin')).toBe(true);
  expect(r.closed).toBe(true);
});
