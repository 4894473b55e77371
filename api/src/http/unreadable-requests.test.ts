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

/** A server whose `/media` answer streams its 20 bytes in two halves, 300 ms apart. */
async function streaming() {
  const server = serverClosingInStages((_req, res) => {
    res.writeHead(200, { 'Content-Length': 20 });
    res.write('0123456789');
    setTimeout(() => res.end('abcdefghij'), 300);
  });
  answerUnreadableRequests(server, 16 * 1024);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends `first`, then `second` after `gapMs`; what came back once the server closed or 1 s passed. */
function exchange(port: number, first: string, second: string, gapMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (bytes: Buffer) => (text += bytes.toString('latin1')));
    socket.write(first);
    setTimeout(() => socket.writable && socket.write(second), gapMs);
    const done = () => resolve(text);
    socket.on('close', done);
    setTimeout(() => {
      socket.destroy();
      done();
    }, 1000);
  });
}

it('a request the parser refuses is answered with our status and words when nothing else is going out', async () => {
  const port = await streaming();
  const text = await exchange(port, 'NOT HTTP\r\n\r\n', '', 0);
  expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect(text).toContain('Upload-Refusal-Reason: REQUEST_MALFORMED');
});

it('a malformed request pipelined behind an answer still streaming does not write into that answer’s body: the connection closes', async () => {
  const port = await streaming();
  const text = await exchange(port, 'GET /media HTTP/1.1\r\nHost: api\r\n\r\n', 'NOT HTTP\r\n\r\n', 100);
  const [head, body = ''] = text.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
  // Cut short, or whole: never another answer's bytes inside it.
  expect('0123456789abcdefghij'.startsWith(body)).toBe(true);
  expect(text).not.toContain('HTTP/1.1 400');
});
