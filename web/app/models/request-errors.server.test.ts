import { createStaticHandler } from '@remix-run/router';
import { describe, expect, it, vi } from 'vitest';
import { logRequestError } from './request-errors.server';

/** The error Remix's router gives a request, for a dashboard with one page at `/`. */
async function routerError(url: string, method = 'GET'): Promise<unknown> {
  const handler = createStaticHandler([{ id: 'root', path: '/', loader: () => null }]);
  const context = await handler.query(new Request(url, { method, headers: { 'x-request-id': 'req-12345678' } }));
  if (context instanceof Response) throw new Error('expected an error, not a response');
  return Object.values(context.errors ?? {})[0];
}

const logOf = () => ({ warn: vi.fn(), error: vi.fn() });

describe('logRequestError', () => {
  it('logs an address with no page as one line naming the request, without a stack', async () => {
    const log = logOf();
    const request = new Request('http://localhost/no/such/page?x=1', { headers: { 'x-request-id': 'req-12345678' } });
    logRequestError(await routerError(request.url), request, log);
    expect(log.error).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]).toEqual(['[req-12345678] 404 GET /no/such/page: no page at this address']);
  });

  it('logs a method a page does not take as one line', async () => {
    const log = logOf();
    const request = new Request('http://localhost/', { method: 'POST', headers: { 'x-request-id': 'req-12345678' } });
    logRequestError(await routerError(request.url, 'POST'), request, log);
    expect(log.warn.mock.calls).toEqual([['[req-12345678] 405 POST /: method not allowed']]);
  });

  it('logs any other error whole, with its stack', () => {
    const log = logOf();
    const failure = new Error('the loader broke');
    logRequestError(failure, new Request('http://localhost/catalog', { headers: { 'x-request-id': 'req-12345678' } }), log);
    expect(log.warn).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalledWith('[req-12345678]', failure);
  });

  it('says nothing about a request the browser gave up on', async () => {
    const log = logOf();
    const stop = new AbortController();
    stop.abort();
    logRequestError(new Error('aborted'), new Request('http://localhost/catalog', { signal: stop.signal }), log);
    expect(log.warn).not.toHaveBeenCalled();
    expect(log.error).not.toHaveBeenCalled();
  });
});
