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

/** A server whose answer streams its 20 bytes in two halves, 300 ms apart; `/slow` begins it after 200 ms. */
async function streaming() {
  const server = serverClosingInStages((req, res) => {
    const answer = () => {
      res.writeHead(200, { 'Content-Length': 20 });
      res.write('0123456789');
      setTimeout(() => res.end('abcdefghij'), 300);
    };
    if (req.url === '/slow') setTimeout(answer, 200);
    else answer();
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

it('a malformed request pipelined behind an answer still streaming is refused after that answer ends, never inside it', async () => {
  const port = await streaming();
  const text = await exchange(port, 'GET /media HTTP/1.1\r\nHost: api\r\n\r\n', 'NOT HTTP\r\n\r\n', 100);
  const [answer, refusal = ''] = text.split(/(?=HTTP\/1\.1 400 )/);
  expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n0123456789abcdefghij$/);
  expect(refusal).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect(refusal).toContain('Upload-Refusal-Reason: REQUEST_MALFORMED');
});

it('a malformed request pipelined behind one not yet answered is refused after its answer, not instead of it', async () => {
  const port = await streaming();
  const text = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: api\r\n\r\n', 'NOT HTTP\r\n\r\n', 50);
  const [answer, refusal = ''] = text.split(/(?=HTTP\/1\.1 400 )/);
  expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n0123456789abcdefghij$/);
  expect(refusal).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
});
