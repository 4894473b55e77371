/**
 * Buffers for upload chunks, handed back once their bytes are in the file and taken again for the
 * next chunk, so an upload's bytes pass through memory the process already touched.
 *
 * A fresh 1 MiB buffer per chunk came from memory the allocator had just given back to the kernel:
 * every 4 KiB page faulted again when the chunk was filled (2,048 page faults per 8 MiB PATCH here),
 * and the faults cost the API more than the rest of the PATCH together (`bench/upload.mjs`).
 *
 * Only buffers this pool made are taken back, each once; a chunk never handed back (a write that
 * failed, a store that keeps its chunks) is left to the garbage collector, and the pool makes another.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  /** Every buffer this pool made, by its memory (a view of it hands the whole buffer back). */
  private readonly made = new WeakMap<ArrayBufferLike, Buffer>();
  private readonly isFree = new WeakSet<Buffer>();
  /** How many buffers this pool has made (not reused). */
  madeCount = 0;

  constructor(
    /** Bytes in each buffer. */
    readonly chunkBytes: number,
    /** How many free buffers are kept; more are left to the garbage collector. */
    private readonly keep: number,
  ) {}

  /** A buffer of `chunkBytes`, reused if one is free. Its contents are whatever it held before. */
  take(): Buffer {
    const reused = this.free.pop();
    if (reused) {
      this.isFree.delete(reused);
      return reused;
    }
    const made = Buffer.allocUnsafeSlow(this.chunkBytes);
    this.made.set(made.buffer, made);
    this.madeCount++;
    return made;
  }

  /**
   * Takes back a buffer from `take` (or a view of one) once nothing reads it any more. Anything else,
   * or a buffer already handed back, is ignored.
   */
  give(chunk: Uint8Array): void {
    const whole = this.made.get(chunk.buffer);
    if (!whole || this.isFree.has(whole) || this.free.length >= this.keep) return;
    this.isFree.add(whole);
    this.free.push(whole);
  }
}
