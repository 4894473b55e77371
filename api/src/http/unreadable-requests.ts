import type { Duplex } from 'node:stream';
import { LINGER_MS, type ServerClosingInStages } from './closing-in-stages';
import { REFUSAL_HEADER, UPLOAD_STATUS, type UploadRefusalReason } from '../uploads/upload-refusals';

type Unreadable = { reason: Extract<UploadRefusalReason, 'HEADERS_TOO_LARGE' | 'REQUEST_TIMEOUT' | 'REQUEST_MALFORMED'>; message: string };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** What a request Node's HTTP parser refused was, by the parser's error code (llhttp's `HPE_*`). */
export function unreadableRequest(code: string | undefined, maxHeaderBytes: number): Unreadable {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { reason: 'HEADERS_TOO_LARGE', message: `The request's headers (Upload-Metadata included) are larger than ${Math.floor(maxHeaderBytes / 1024)} KiB in all; send shorter ones.` };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { reason: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive; send it again.' };
  if (code === 'HPE_INVALID_CONTENT_LENGTH' || code === 'HPE_UNEXPECTED_CONTENT_LENGTH') {
    return { reason: 'REQUEST_MALFORMED', message: 'The Content-Length header must be the body’s size as one whole number of bytes.' };
  }
  return { reason: 'REQUEST_MALFORMED', message: 'The request is not valid HTTP/1.1 (a body longer than its Content-Length reads as a broken next request); nothing of it was taken.' };
}

/**
 * Answers requests Node's HTTP parser refused before any handler saw them — headers past Node's size
 * limit, a Content-Length that is not a byte count, bytes that are not HTTP — with a status, the
 * upload endpoint's refusal header and a sentence, instead of Node's bare status line; then closes the
 * connection, since nothing after a malformed request can be read as requests. Answers to earlier
 * requests on the connection (a client pipelining) go out first, whole: the refusal follows the last
 * of them, as RFC 9112 §9.3.2 orders pipelined answers. Written at once, it landed inside an answer
 * already streaming, or was read as the answer to a request still being served (a mutation, say,
 * which went on to change what it changes).
 */
export function answerUnreadableRequests(server: ServerClosingInStages, maxHeaderBytes: number): void {
  /** Connections whose refusal is decided: the parser reports every later chunk of theirs again. */
  const refusing = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (refusing.has(socket)) return;
    refusing.add(socket);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { reason, message } = unreadableRequest(error.code, maxHeaderBytes);
    const status = UPLOAD_STATUS[reason];
    const body = `${message}\n`;
    // Answers leave the record on their 'close', in order: the last one closing is the last one out.
    const inFlight = server.answersInFlight(socket);
    // A request whose body the parser failed in (a broken chunk, trailers too large) is the refused one:
    // its handler waits for a body end that never comes, so waiting for its answer left the client with
    // none at all. Not yet begun, its answer is the refusal; only the answers before it go out first.
    const cut = inFlight[inFlight.length - 1];
    const earlier = cut && !cut.req.complete && !cut.headersSent ? inFlight.slice(0, -1) : inFlight;
    const last = earlier[earlier.length - 1];
    const refuse = () => {
      // The refused request's own answer, begun meanwhile (its handler answered without its body), goes out whole first.
      if (cut && cut !== last && cut.headersSent && server.answersInFlight(socket).includes(cut)) return void cut.once('close', refuse);
      // An earlier answer that ended the connection (or a client gone) leaves nothing to write to.
      if (!socket.writable) return void socket.destroy();
      socket.end(
        [
          `HTTP/1.1 ${status} ${STATUS_TEXT[status]}`,
          'Content-Type: text/plain; charset=utf-8',
          `Content-Length: ${Buffer.byteLength(body)}`,
          `${REFUSAL_HEADER}: ${reason}`,
          `Access-Control-Expose-Headers: ${REFUSAL_HEADER}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      );
      // Half-closed, the connection waits for the client to close its side; one that never does is let go.
      const linger = setTimeout(() => socket.destroy(), LINGER_MS);
      socket.once('close', () => clearTimeout(linger));
    };
    if (last) last.once('close', refuse);
    else refuse();
  });
}
