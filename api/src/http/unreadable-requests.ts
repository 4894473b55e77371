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
 * connection, since nothing after a malformed request can be read as requests. While an answer to an
 * earlier request is going out on the connection (its head sent, a client pipelining), nothing can be
 * written without landing inside that answer: the connection is closed without a word, as Node does.
 */
export function answerUnreadableRequests(server: ServerClosingInStages, maxHeaderBytes: number): void {
  /** An answer in flight whose head is out may be mid-body. */
  const answerUnderWay = (socket: Duplex) => server.answersInFlight(socket).some((res) => res.headersSent);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable || answerUnderWay(socket)) {
      socket.destroy();
      return;
    }
    const { reason, message } = unreadableRequest(error.code, maxHeaderBytes);
    const status = UPLOAD_STATUS[reason];
    const body = `${message}\n`;
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
  });
}
