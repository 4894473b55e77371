import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serverClosingInStages } from './closing-in-stages';
import { connectionsAwaitingRequest } from './idle-connections';
import { answerUnreadableRequests } from './unreadable-requests';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * A server that reads a request's first bytes, then refuses it with `Connection: close` while the
 * rest of the body is still to come, as an upload refused mid-body is. `answered` settles once the
 * answer is written; `closed` once the connection is closed.
 */
async function refusingMidBody(staged: boolean, lingerMs?: number) {
  let answered!: () => void;
  let closed!: () => void;
  const state = {
    answered: new Promise<void>((resolve) => (answered = resolve)),
    closed: new Promise<void>((resolve) => (closed = resolve)),
  };
  const refuse: http.RequestListener = (req, res) => {
    req.socket.once('close', () => closed());
    req.once('readable', () => {
      req.read();
      res.writeHead(423, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('The upload is locked.\n', () => answered());
    });
  };
  const server = staged ? serverClosingInStages(refuse, lingerMs) : http.createServer(refuse);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, ...state };
}

/** A PATCH whose body's first 16 KiB go at once; `more` sends the rest and ends it. */
function patchSentInParts(url: string) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
      c.enqueue(new Uint8Array(16 * 1024));
    },
  });
  const answer = fetch(url, { method: 'PATCH', body, duplex: 'half' } as RequestInit);
  return {
    answer,
    more(bytes: number) {
      controller.enqueue(new Uint8Array(bytes));
      controller.close();
    },
  };
}

describe('closing a connection in stages (RFC 9112 §9.6)', () => {
  it('a client still sending its body when the answer closes the connection reads the answer, and the connection closes once the body has ended', async () => {
    const server = await refusingMidBody(true);
    const request = patchSentInParts(server.url);
    await server.answered;
    // Long enough for an immediate close to have happened: the rest then meets a closed socket.
    await new Promise((resolve) => setTimeout(resolve, 200));
    request.more(4 * 1024 * 1024);
    const answer = await request.answer;
    expect(answer.status).toBe(423);
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answer.text()).toBe('The upload is locked.\n');
    await server.closed;
  });

  it('without it, the same client loses the answer to a reset (the defect it mends)', async () => {
    const server = await refusingMidBody(false);
    const request = patchSentInParts(server.url);
    await server.answered;
    await server.closed;
    request.more(4 * 1024 * 1024);
    await expect(request.answer).rejects.toThrow(/fetch failed/);
  });

  it('a body that does not end in time is not read forever: the connection closes after the linger', async () => {
    const server = await refusingMidBody(true, 300);
    // A client that reads the answer but neither sends the rest of its body nor closes its side.
    const client = net.connect({ port: Number(new URL(server.url).port), host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => undefined);
    client.write(`PATCH / HTTP/1.1\r\nHost: api\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    client.write(Buffer.alloc(16 * 1024));
    let answer = '';
    client.on('data', (bytes: Buffer) => (answer += bytes.toString('latin1')));
    await server.answered;
    const answeredAt = Date.now();
    await server.closed;
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(250);
    expect(answer).toMatch(/^HTTP\/1\.1 423 /);
    client.destroy();
  });

  it('a request pipelined after the refused body is not served: the connection closes instead, after the answer was read', async () => {
    const served: string[] = [];
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = serverClosingInStages((req, res) => {
      served.push(`${req.method} ${req.url}`);
      req.socket.once('close', () => closed());
      req.once('readable', () => {
        req.read();
        res.writeHead(423, { Connection: 'close' });
        res.end('locked\n');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Keeping its side open after the server's half-close, as a client still sending does.
    const client = net.connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => undefined);
    let answer = '';
    client.on('data', (bytes: Buffer) => (answer += bytes.toString('latin1')));
    client.write('PATCH /first HTTP/1.1\r\nHost: api\r\nContent-Length: 200000\r\n\r\n');
    client.write(Buffer.alloc(1000));
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    // The rest of the body, then a request the client sent without waiting (a mutation, say).
    client.write(Buffer.concat([Buffer.alloc(199_000), Buffer.from('POST /second HTTP/1.1\r\nHost: api\r\nContent-Length: 0\r\n\r\n')]));
    await connectionClosed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 423 /);
    expect(served).toEqual(['PATCH /first']);
  });

  it('an answer that closes the connection while a pipelined request is being served leaves that request’s body alone: it reads a prefix of what was sent, never bytes from further on', async () => {
    const sent = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    let received: Buffer | undefined;
    const done = new Promise<void>((resolve) => {
      const server = serverClosingInStages((req, res) => {
        if (req.url === '/first') {
          // Read to its end, then refused: the connection closes after this answer.
          req.resume();
          req.on('end', () => setTimeout(() => {
            res.writeHead(409, { Connection: 'close' });
            res.end('conflict\n');
          }, 50));
          return;
        }
        // The pipelined one reads its body later, as an upload does once it is checked and locked.
        const parts: Buffer[] = [];
        setTimeout(() => {
          req.on('readable', () => {
            let part: Buffer | null;
            while ((part = req.read() as Buffer | null) !== null) parts.push(part);
          });
        }, 100);
        const finish = () => {
          received = Buffer.concat(parts);
          resolve();
        };
        req.once('end', finish);
        req.once('close', finish);
        res.once('close', finish);
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () => {
        const client = net.connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
        client.on('error', () => undefined);
        client.write(`PATCH /first HTTP/1.1\r\nHost: api\r\nContent-Length: 10\r\n\r\n0123456789PATCH /second HTTP/1.1\r\nHost: api\r\nContent-Length: ${sent.length}\r\n\r\n`);
        void (async () => {
          for (let at = 0; at < sent.length; at += 15_000) {
            await new Promise((r) => setTimeout(r, 20));
            if (!client.writable) return;
            client.write(sent.subarray(at, at + 15_000));
          }
        })();
      });
    });
    await done;
    expect(sent.subarray(0, received!.length).equals(received!)).toBe(true);
  });

  it('answers that keep the connection are untouched: the next request reuses it', async () => {
    const server = serverClosingInStages((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const port = (server.address() as AddressInfo).port;
    const post = () =>
      new Promise<boolean>((resolve, reject) => {
        const request = http.request({ port, host: '127.0.0.1', method: 'POST', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(request.reusedSocket));
        });
        request.on('error', reject);
        request.end(Buffer.alloc(64 * 1024));
      });
    try {
      expect(await post()).toBe(false);
      expect(await post()).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});

describe('the record of answers in flight', () => {
  it('is one per connection, kept with one close listener per answer, whoever reads it', async () => {
    /** Per request: the answers in flight on its connection, and the close listeners on its response once every reader has seen it. */
    const seen: Array<{ inFlight: number; closeListeners: number }> = [];
    const server = serverClosingInStages((_req, res) => {
      setTimeout(() => res.end('ok'), 20);
    });
    connectionsAwaitingRequest(server);
    answerUnreadableRequests(server, 16 * 1024);
    // After every reader's own 'request' listener.
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => seen.push({ inFlight: server.answersInFlight(req.socket).length, closeListeners: res.listenerCount('close') }));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    let text = '';
    const answered = new Promise<void>((resolve) =>
      socket.on('data', (bytes: Buffer) => {
        text += bytes.toString('latin1');
        if (text.split('HTTP/1.1 200 OK').length > 3) resolve();
      }),
    );
    // Three requests pipelined on one kept-alive connection: their answers are in flight together.
    socket.write('GET /a HTTP/1.1\r\nHost: api\r\n\r\n'.repeat(3));
    const connection = await accepted;
    await answered;
    await new Promise((resolve) => setImmediate(resolve));
    const afterwards = server.answersInFlight(connection).length;
    socket.destroy();
    expect(seen).toEqual([
      { inFlight: 1, closeListeners: 1 },
      { inFlight: 2, closeListeners: 1 },
      { inFlight: 3, closeListeners: 1 },
    ]);
    expect(afterwards).toBe(0);
  });
});
