/**
 * How the dashboard logs a request's error: the router's own 404 and 405 (no page at the address,
 * a method the page does not take) as one line naming the request — the person sees the not-found
 * page, and nothing went wrong — anything else whole, with its stack.
 */
import { isRouteErrorResponse } from '@remix-run/react';

export function logRequestError(error: unknown, request: Request, log: Pick<Console, 'warn' | 'error'> = console): void {
  if (request.signal.aborted) return;
  const id = request.headers.get('x-request-id') ?? '-';
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 405)) {
    log.warn(`[${id}] ${error.status} ${request.method} ${new URL(request.url).pathname}: ${error.status === 404 ? 'no page at this address' : 'method not allowed'}`);
    return;
  }
  // Remix keeps the original error of its own error responses under `error`.
  const cause = isRouteErrorResponse(error) && 'error' in error && error.error ? error.error : error;
  log.error(`[${id}]`, cause);
}
