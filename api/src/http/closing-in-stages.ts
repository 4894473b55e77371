import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * How long, in milliseconds, a connection whose answer ended it keeps reading (and discarding) the
 * rest of its request's body before it is closed outright. Apache's lingering close waits as long
 * for each read; a client reading while it sends has the answer long before.
 */
export const LINGER_MS = 2_000;

/** An HTTP server closing connections in stages, and the one record of each connection's answers in flight. */
export interface ServerClosingInStages extends Server {
  /**
   * The answers on `socket` whose responses have not closed yet, oldest first (a client pipelining
   * queues several). One record for everything that asks (the staged close, answerUnreadableRequests,
   * connectionsAwaitingRequest), kept with one 'close' listener per response: each reader keeping its
   * own added one each, and with pino-http's and a stream pipeline's (seven of its own, on Node 20) an
   * answer streamed from /media passed Node's limit of ten and warned of a leak.
   */
  answersInFlight(socket: Duplex): readonly ServerResponse[];
}

/**
 * Every answer that leaves before its request's body has all arrived (a refusal of the caller, of its
 * rate or of its content type, whoever writes it) ends the connection: otherwise Node reads the rest
 * of the body (it may be gigabytes) on the kept connection before serving the next request. The
 * staged close then drops what still comes, for a moment. A request whose body is all in keeps it.
 */
function endAfterAnswerIfBodyArriving(req: IncomingMessage, res: ServerResponse): void {
  // Only a request with a body: one without is not yet `complete` while its handler runs synchronously.
  if (req.headers['transfer-encoding'] === undefined && !(Number(req.headers['content-length']) > 0)) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete) this.setHeader('Connection', 'close');
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * An HTTP server for `listener` that closes a connection in stages when an answer that ends it
 * (`Connection: close`) leaves while its request's body is still arriving, as RFC 9112 §9.6
 * (Tear-down) asks: the answer and a half-close go out first, the rest of the body is read and
 * dropped, and the connection is closed once the body has ended, the client has closed its side, or
 * `lingerMs` have passed. No request that arrives on the connection after that answer is served
 * (the rest of the body may be followed by pipelined requests): the connection is closed instead.
 *
 * Node closes such a connection as soon as the answer is written. The client's next bytes then meet
 * a closed socket, whose reset can reach the client before it has read the answer: a tus client
 * whose PATCH was refused mid-body (its upload's lock lost, say) saw `EPIPE` instead of the 423 and
 * its reason. Answers that keep the connection, answers to requests whose body has been read to its
 * end, and answers with later pipelined requests already under way close as Node closes them. An
 * answer that leaves before its request's body has all arrived ends the connection (see
 * endAfterAnswerIfBodyArriving).
 */
export function serverClosingInStages(listener: RequestListener, lingerMs = LINGER_MS): ServerClosingInStages {
  /** Connections closing in stages: whatever they still carry is dropped, never served. */
  const lingering = new WeakSet<Socket>();
  /** Each connection's answers in flight (see answersInFlight). */
  const inFlight = new WeakMap<Duplex, ServerResponse[]>();
  const answersOn = (socket: Duplex) => {
    let answers = inFlight.get(socket);
    if (!answers) inFlight.set(socket, (answers = []));
    return answers;
  };
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    if (lingering.has(req.socket)) return void req.socket.destroy();
    const answers = answersOn(req.socket);
    answers.push(res);
    // An answer leaves the record when its response closes, which Node emits on the tick after its
    // 'finish' (and after its own 'finish' listener has closed a connection the answer ends). The next
    // pipelined answer is only written from that listener on, so it cannot finish before: at a staged
    // close the oldest answer in the record is the one that ended the connection.
    res.once('close', () => {
      const at = answers.indexOf(res);
      if (at >= 0) answers.splice(at, 1);
    });
    endAfterAnswerIfBodyArriving(req, res);
    listener(req, res);
  });
  server.on('connection', (socket: Socket) => {
    const answers = answersOn(socket);
    // Node's server calls this once the answer that ends the connection is written: the answer is the
    // oldest one in flight.
    const closeAtOnce = socket.destroySoon.bind(socket);
    socket.destroySoon = () => {
      const [answer, next] = answers;
      const req = answer?.req;
      if (!req || next || req.complete || req.destroyed || socket.destroyed || !socket.readable) return closeAtOnce();
      lingering.add(socket);
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
      // The request has its answer: what still arrives of its body is dropped.
      req.removeAllListeners('readable');
      req.removeAllListeners('data');
      req.resume();
    };
  });
  return Object.assign(server, { answersInFlight: (socket: Duplex): readonly ServerResponse[] => inFlight.get(socket) ?? [] });
}
