import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerClosingInStages } from './closing-in-stages';

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

/**
 * Tracks the connections waiting for a request: just opened, part-way through a request's headers, or
 * kept alive after an answer. `close()` (at shutdown, once the server stops listening) destroys them
 * and any that open after: they hold nothing to finish, and ending them politely would wait for the
 * client's own close, which a client trickling headers never sends, so shutdown sat out its whole
 * grace period. Connections with a request in flight are left to drain, and their answers say
 * `Connection: close`: the connection ends after them, and a client (or a proxy reusing upstream
 * connections) told to keep it alive would send its next request into that close and lose it.
 */
export function connectionsAwaitingRequest(server: ServerClosingInStages): { close(): void } {
  /** The connections open; which have a request in flight, the server's record says. */
  const open = new Set<Socket>();
  let closing = false;
  const lastOnConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.on('connection', (socket: Socket) => {
    if (closing) return void socket.destroy();
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) lastOnConnection(res);
  });
  return {
    close() {
      closing = true;
      for (const socket of open) {
        const answers = server.answersInFlight(socket);
        if (answers.length === 0) socket.destroy();
        else answers.forEach(lastOnConnection);
      }
    },
  };
}
