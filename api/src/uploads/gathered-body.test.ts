import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkPool } from './chunk-pool';
import { gatheredBody } from './gathered-body';

/** Reads the whole stream: its chunks' sizes, the bytes, and the error it ended with. */
async function drain(body: ReadableStream<Uint8Array>): Promise<{ sizes: number[]; bytes: Buffer; error?: Error }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch (error) {
    return { sizes: chunks.map((c) => c.length), bytes: Buffer.concat(chunks), error: error as Error };
  }
  return { sizes: chunks.map((c) => c.length), bytes: Buffer.concat(chunks) };
}

/** A request-like source that receives `bytes` in socket-sized pieces, asynchronously. */
function socketLike(bytes: Buffer, piece = 65_536, end: 'end' | 'break' | 'error' = 'end'): PassThrough {
  const source = new PassThrough();
  void (async () => {
    for (let at = 0; at < bytes.length; at += piece) {
      await new Promise((resolve) => setImmediate(resolve));
      source.write(bytes.subarray(at, at + piece));
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (end === 'end') source.end();
    else if (end === 'break') source.destroy();
    else source.destroy(new Error('socket reset'));
  })();
  return source;
}

describe('gatheredBody', () => {
  it('delivers the body byte for byte in chunks of the gathered size, the rest at the end', async () => {
    const bytes = randomBytes(5 * 262_144 + 12_345);
    const { sizes, bytes: got, error } = await drain(gatheredBody(socketLike(bytes, 65_536), { chunkBytes: 262_144 }));
    expect(error).toBeUndefined();
    expect(got.equals(bytes)).toBe(true);
    expect(sizes.slice(0, -1).every((s) => s >= 262_144 && s < 262_144 + 65_536)).toBe(true);
    expect(sizes.length).toBe(6);
  });

  it('with a pool, fills its buffers exactly, whatever size the socket reads come in, and takes each again once handed back', async () => {
    for (const piece of [65_536, 1_000, 100_003, 262_144, 300_000]) {
      const pool = new ChunkPool(262_144, 8);
      const bytes = randomBytes(5 * 262_144 + 12_345);
      const reader = gatheredBody(socketLike(bytes, piece), { pool }).getReader();
      const got: Buffer[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Copied before it goes back, as the file has its bytes before the store hands it back.
        got.push(Buffer.from(value));
        pool.give(value);
      }
      expect(Buffer.concat(got).equals(bytes), `reads of ${piece} bytes`).toBe(true);
      expect(got.map((c) => c.length)).toEqual([262_144, 262_144, 262_144, 262_144, 262_144, 12_345]);
      // Each chunk went back before the next was gathered: one buffer served them all.
      expect(pool.madeCount).toBe(1);
    }
  });

  it('closes at once on an empty body', async () => {
    const { sizes, error } = await drain(gatheredBody(socketLike(Buffer.alloc(0))));
    expect(error).toBeUndefined();
    expect(sizes).toEqual([]);
  });

  it('delivers what arrived before the request broke off, then fails with an AbortError', async () => {
    const bytes = randomBytes(300_000);
    const { bytes: got, error } = await drain(gatheredBody(socketLike(bytes, 65_536, 'break'), { chunkBytes: 1_048_576 }));
    expect(got.equals(bytes)).toBe(true);
    expect(error?.name).toBe('AbortError');
  });

  it("fails with the socket's own error", async () => {
    const { error } = await drain(gatheredBody(socketLike(randomBytes(100_000), 65_536, 'error')));
    expect(error?.message).toBe('socket reset');
  });

  it('destroys the request when the reader cancels', async () => {
    const source = socketLike(randomBytes(1_000_000), 65_536);
    const reader = gatheredBody(source, { chunkBytes: 131_072 }).getReader();
    await reader.read();
    await reader.cancel(new Error('enough'));
    expect(source.destroyed).toBe(true);
  });
});
