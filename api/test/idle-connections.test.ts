import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IDLE_CONNECTION_MS } from '../src/http/idle-connections';
import { apiBeside, startApiProcess } from './support/processes';
import { TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server?.stop());

/** One GET through the agent: the status, the Keep-Alive header and whether a pooled connection carried it. */
function get(agent: http.Agent, path: string): Promise<{ status: number; keepAlive: string | undefined; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${server.url}${path}`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, keepAlive: response.headers['keep-alive'] as string | undefined, reused: request.reusedSocket }));
    });
    request.on('error', reject);
  });
}

it('keeps an idle connection open past the 5 s that Node clients (and test tools) keep theirs, so a reused connection is never closed under a request', async () => {
  // Node's keep-alive agent with no idle limit of its own, as Playwright's request context uses.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await get(agent, '/healthz');
    expect(first).toEqual({ status: 200, keepAlive: `timeout=${IDLE_CONNECTION_MS / 1000}`, reused: false });
    // Past Node's default server window (5 s), after which the old server closed the connection.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const second = await get(agent, '/healthz');
    expect(second).toEqual({ status: 200, keepAlive: `timeout=${IDLE_CONNECTION_MS / 1000}`, reused: true });
  } finally {
    agent.destroy();
  }
}, 20_000);

it('SIGTERM stops the API at once though clients hold connections between requests: idle after an answer, or trickling a request\'s headers and never closing their side', async () => {
  const api = await startApiProcess(apiBeside(server));
  const port = Number(api.address.split(':')[1]);
  // allowHalfOpen: like a slow-header client, they keep their side open after the server ends its own.
  const open = () => new Promise<net.Socket>((resolve) => { const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(socket)); socket.on('error', () => {}); });
  const sockets: net.Socket[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const idle = await open();
      idle.write('GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n');
      await new Promise((resolve) => idle.once('data', resolve));
      const trickling = await open();
      trickling.write('GET /healthz HTTP/1.1\r\nHost: api\r\nX-Slow: ');
      sockets.push(idle, trickling);
    }
    const started = Date.now();
    await api.stop(30_000);
    expect(api.child.exitCode).toBe(0);
    // Apollo's drain allows requests in flight 10 s; none is in flight here, so nothing should wait for it.
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    await api.kill();
  }
}, 60_000);

it('SIGTERM lets a request in flight on a kept-alive connection finish, its body still arriving, and its answer says the connection closes, so no next request is sent into that close', async () => {
  const api = await startApiProcess(apiBeside(server));
  const port = Number(api.address.split(':')[1]);
  const socket = await new Promise<net.Socket>((resolve) => { const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s)); s.on('error', () => {}); });
  let received = '';
  socket.on('data', (d) => (received += d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  try {
    socket.write('GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    const body = JSON.stringify({ query: 'mutation { __typename }' });
    socket.write(`POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = api.stop(30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    socket.write(body.slice(10));
    await closed;
    await stopped;
    expect(api.child.exitCode).toBe(0);
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[1]).toMatch(/\r\nConnection: close\r\n/i);
    expect(answers[1]).toContain('{"data":{"__typename":"Mutation"}');
  } finally {
    socket.destroy();
    await api.kill();
  }
}, 60_000);
