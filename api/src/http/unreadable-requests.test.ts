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

/**
 * A server whose `/media` answer streams its 20 bytes in two halves, 300 ms apart, and whose `/slow`
 * answer (a mutation, say) starts only after 300 ms.
 */
async function streaming() {
  const server = serverClosingInStages((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200, { 'Content-Length': 4 }).end('done'), 300);
      return;
    }
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

it('a malformed request pipelined behind an answer still streaming waits for it: that answer whole, then the refusal, then the close', async () => {
  const port = await streaming();
  const text = await exchange(port, 'GET /media HTTP/1.1\r\nHost: api\r\n\r\n', 'NOT HTTP\r\n\r\n', 100);
  const [head, rest = ''] = text.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
  // Never another answer's bytes inside it.
  expect(rest.startsWith('0123456789abcdefghijHTTP/1.1 400 Bad Request\r\n')).toBe(true);
  expect(text).toContain('Upload-Refusal-Reason: REQUEST_MALFORMED');
});

it('a malformed request pipelined behind one whose answer has not started is not read as that answer: its own answer first, then the refusal', async () => {
  const port = await streaming();
  // In one write and in two: the parser may meet the malformed bytes in the same chunk as the request before them.
  for (const gapMs of [0, 100]) {
    const text = await exchange(port, 'POST /slow HTTP/1.1\r\nHost: api\r\nContent-Length: 2\r\n\r\n{}', 'NOT HTTP\r\n\r\n', gapMs);
    expect(text, `${gapMs} ms apart`).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\ndoneHTTP\/1\.1 400 Bad Request\r\n/);
    expect(text.match(/HTTP\/1\.1 \d{3} /g), `${gapMs} ms apart`).toHaveLength(2);
  }
});

it('a malformed request pipelined behind several: each earlier answer in order, then one refusal, however many chunks follow', async () => {
  const port = await streaming();
  const text = await exchange(port, 'POST /slow HTTP/1.1\r\nHost: api\r\nContent-Length: 0\r\n\r\nGET /media HTTP/1.1\r\nHost: api\r\n\r\nNOT HTTP\r\n\r\n', 'MORE JUNK\r\n\r\n', 50);
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
  expect(statuses).toEqual(['200', '200', '400']);
  expect(text).toContain('\r\n\r\ndoneHTTP/1.1 200 OK');
  expect(text).toContain('0123456789abcdefghijHTTP/1.1 400');
});
