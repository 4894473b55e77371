import type { Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open, in milliseconds. Longer than the idle timeouts
 * of the clients and proxies in front of the API (Node's own agent: 5 s; common load balancers:
 * 60 s), so the client always closes an idle connection first. With Node's default of 5 s on both
 * sides, a client could send its next request on a connection the server was closing at that
 * instant, and the request failed with ECONNRESET without ever reaching the API.
 */
export const IDLE_CONNECTION_MS = 65_000;

/** Sets the server's keep-alive window to {@link IDLE_CONNECTION_MS}; headers must still arrive within it. */
export function keepIdleConnectionsPastClients(server: Server): void {
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  // Node measures the wait for a request's headers on a reused connection against this too: it must be longer.
  server.headersTimeout = IDLE_CONNECTION_MS + 1_000;
}
