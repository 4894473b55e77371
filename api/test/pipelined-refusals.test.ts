import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawExchange, statusesOf } from './support/raw-http';
import { TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(async () => server?.stop());

const raw = async (parts: string[], gapMs: number, waitMs = 5000) => {
  const { text, closedAfterMs } = await rawExchange(server.url, parts, { gapMs, waitMs });
  return { text, closed: closedAfterMs !== null };
};
const statuses = statusesOf;
const body = '{"query":"{ __typename }"}';
const query = `POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

it('a GraphQL POST whose chunked body breaks is answered 400 REQUEST_MALFORMED and closed', async () => {
  const head = 'POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
  const r = await raw([head, '5\r\n{"que\r\n', 'NOT A CHUNK\r\n\r\n'], 100);
  expect(statuses(r.text)).toEqual(['400']);
  expect(r.text).toContain('Upload-Refusal-Reason: REQUEST_MALFORMED');
  expect(r.closed).toBe(true);
});

it('health, a query, then a bad Content-Length: two answers whole and in order, then the refusal', async () => {
  const r = await raw([`GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n${query}`, 'POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Length: 1x\r\n\r\n'], 0);
  expect(statuses(r.text)).toEqual(['200', '200', '400']);
  expect(r.text).toContain('"maximum":5000}}}HTTP/1.1 400 Bad Request');
  expect(r.closed).toBe(true);
});

it('a query then headers too large: the answer, then 431', async () => {
  const r = await raw([query, `GET /healthz HTTP/1.1\r\nHost: api\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], 50);
  expect(statuses(r.text)).toEqual(['200', '431']);
  expect(r.text).toContain('HEADERS_TOO_LARGE');
});

it('the server still answers on new keep-alive connections afterwards, several requests each', async () => {
  const r = await raw([`GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n`, query, `GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n`], 50, 1500);
  expect(statuses(r.text)).toEqual(['200', '200', '200']);
  expect(r.closed).toBe(false);
});
