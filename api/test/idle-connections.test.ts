import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IDLE_CONNECTION_MS } from '../src/http/idle-connections';
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
