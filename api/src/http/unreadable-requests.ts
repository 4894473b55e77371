import type { Duplex } from 'node:stream';
import type { ServerClosingInStages } from './closing-in-stages';
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
 * connection, since nothing after a malformed request can be read as requests. Requests the client
 * sent before it (pipelined) are answered first, in order, and the refusal follows the last of those
 * answers: written at once, it would land inside an answer under way, or be read as the answer to a
 * request still being served (Node's own refusal does either, and a client took a mutation it had
 * sent, and the server saved, for refused).
 */
export function answerUnreadableRequests(server: ServerClosingInStages, maxHeaderBytes: number): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    let refused = false;
    const refuse = () => {
      if (refused) return;
      refused = true;
      if (socket.writable) socket.end(refusalOf(error.code, maxHeaderBytes));
      else socket.destroy();
    };
    const last = server.answersInFlight(socket).at(-1);
    if (!last) return refuse();
    // A response closes once its answer is in the socket (or it was cut): the refusal goes after it.
    last.once('close', refuse);
    // A client that ends its side first makes Node end the connection and drop the answers still in
    // flight (it would not read them): the refusal goes out before that, the one answer it can read.
    socket.prependOnceListener('end', refuse);
  });
}

/** The whole HTTP answer to a request the parser refused with `code`, closing the connection. */
function refusalOf(code: string | undefined, maxHeaderBytes: number): string {
  const { reason, message } = unreadableRequest(code, maxHeaderBytes);
  const status = UPLOAD_STATUS[reason];
  const body = `${message}\n`;
  return [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REFUSAL_HEADER}: ${reason}`,
    `Access-Control-Expose-Headers: ${REFUSAL_HEADER}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
