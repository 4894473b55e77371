import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long, in milliseconds, a connection whose answer ended it keeps reading (and discarding) the
 * rest of its request's body before it is closed outright. Apache's lingering close waits as long
 * for each read; a client reading while it sends has the answer long before.
 */
export const LINGER_MS = 2_000;

/**
 * Closes a connection in stages when an answer that ends it (`Connection: close`) leaves while its
 * request's body is still arriving, as RFC 9112 §9.6 (Tear-down) asks: the answer and a half-close
 * go out first, the rest of the body is read and dropped, and the connection is closed once the body
 * has ended, the client has closed its side, or `lingerMs` have passed.
 *
 * Node closes such a connection as soon as the answer is written. The client's next bytes then meet
 * a closed socket, whose reset can reach the client before it has read the answer: a tus client
 * whose PATCH was refused mid-body (its upload's lock lost, say) saw `EPIPE` instead of the 423 and
 * its reason. Answers that keep the connection, and requests whose body has been read to its end,
 * close as before.
 */
export function closeConnectionsInStages(server: Server, lingerMs = LINGER_MS): void {
  /** The request each connection is answering (HTTP/1.1 reads a body to its end before the next request). */
  const answering = new WeakMap<Socket, IncomingMessage>();
  server.on('request', (req: IncomingMessage) => answering.set(req.socket, req));
  server.on('connection', (socket: Socket) => {
    // Node's server calls this once the answer that ends the connection is written.
    const closeAtOnce = socket.destroySoon.bind(socket);
    socket.destroySoon = () => {
      const req = answering.get(socket);
      if (!req || req.complete || req.destroyed || socket.destroyed || !socket.readable) return closeAtOnce();
      socket.end();
      const close = () => {
        clearTimeout(timer);
        socket.destroy();
      };
      const timer = setTimeout(close, lingerMs);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
      socket.once('end', close);
      req.once('end', close);
      req.once('error', close);
      // Whoever read the body has its answer: what still arrives is dropped.
      req.removeAllListeners('readable');
      req.removeAllListeners('data');
      req.resume();
    };
  });
}
