import { finished, type Readable } from 'node:stream';
import type { ChunkPool } from './chunk-pool';

/** How many bytes of an upload's body travel together from the socket to the file (see `gatheredBody`). */
export const GATHERED_CHUNK_BYTES = 1024 * 1024;

/**
 * An upload request's body as the web stream the tus library reads, in chunks of about
 * `chunkBytes` gathered from the socket's reads (64 KiB each).
 *
 * Every chunk crosses the library's stream adapters (node → web → node), its size limiter, the
 * running sha256 and the file's write stream, each with a cost per chunk; at 64 KiB a 512 MiB upload
 * is 8,192 chunks and 8,192 file writes. Gathered, it is 512 of each, for one copy of the bytes, into
 * a buffer from `pool` (each chunk exactly `chunkBytes` but the last), which the file store hands
 * back once the chunk is written. Memory stays bounded per request (a chunk being gathered plus the
 * few the streams hold), whatever the file's size.
 *
 * Ends like `Readable.toWeb` would: closed at the body's end, errored with the socket's error or,
 * when the request breaks off, an `AbortError`; bytes received before that are still delivered, so a
 * broken-off PATCH stores what arrived. Cancelling destroys the request. `halt` errors it at once
 * with its reason, dropping what is gathered: nothing more of the body may be written (the upload's
 * lock is lost).
 */
export function gatheredBody(source: Readable, options: { chunkBytes?: number; halt?: AbortSignal; pool?: ChunkPool } = {}): ReadableStream<Uint8Array> {
  const chunkBytes = options.pool?.chunkBytes ?? options.chunkBytes ?? GATHERED_CHUNK_BYTES;
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  source.on('readable', notify);
  finished(source, (error) => {
    if (error) failure = (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' ? Object.assign(new Error('The request was aborted', { cause: error }), { name: 'AbortError' }) : error;
    else ended = true;
    notify();
  });
  /** The next chunk: the first `chunkBytes` gathered (or all, at the end), in a buffer from the pool. */
  const take = () => {
    const size = Math.min(gatheredBytes, chunkBytes);
    const chunk = options.pool ? options.pool.take().subarray(0, size) : Buffer.allocUnsafe(size);
    for (let at = 0; at < size; ) {
      const piece = gathered[0]!;
      const copied = piece.copy(chunk, at, 0, Math.min(piece.length, size - at));
      at += copied;
      if (copied === piece.length) gathered.shift();
      else gathered[0] = piece.subarray(copied);
    }
    gatheredBytes -= size;
    return chunk;
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        options.halt?.addEventListener(
          'abort',
          () => {
            gathered = [];
            gatheredBytes = 0;
            controller.error(options.halt!.reason);
            notify();
          },
          { once: true },
        );
      },
      async pull(controller) {
        for (;;) {
          // Errored by the halt already: nothing more is read or delivered.
          if (options.halt?.aborted) return;
          let chunk: Buffer | null;
          while (gatheredBytes < chunkBytes && (chunk = source.read() as Buffer | null) !== null) {
            gathered.push(chunk);
            gatheredBytes += chunk.length;
          }
          if (gatheredBytes >= chunkBytes || ((ended || failure) && gatheredBytes > 0)) return controller.enqueue(take());
          if (failure) return controller.error(failure);
          if (ended) return controller.close();
          // 'readable' (more bytes) or the end wakes this; both come only after read() returned null.
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
      cancel(reason) {
        source.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    // Read from the socket only when the library asks for the next chunk: the streams behind it
    // hold what is in flight.
    { highWaterMark: 0 },
  );
}
