import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';

/**
 * The sha256 of each upload under way, computed as its bytes arrive, so a finished upload's digest
 * is known at its last byte instead of after reading the whole file again.
 *
 * Each digest is held in this process together with the number of bytes it covers. The stored file
 * is the truth: whenever a write starts at an offset the digest does not cover exactly — after a
 * restart (nothing held), after a write this process did not see (another instance served it), or
 * after an interrupted write — the digest catches up by reading the stored bytes it lacks (or all of
 * them), so it always equals the sha256 of the bytes stored. Node's SHA-256 uses the CPU's SHA
 * instructions (about 6× faster here than a WebAssembly SHA-256 whose state could be saved), and
 * the stored file makes a saved state unnecessary: a restart costs one read of what was stored.
 */
export class RunningSha256 {
  private readonly running = new Map<string, { hash: Hash; bytes: number }>();

  /**
   * Returns a pass-through stream that adds what flows through it to the upload's digest, after
   * bringing the digest up to `offset` from the stored file at `file`. Call `settle` once the
   * write has ended (either way) with the file's size.
   */
  async tap(uploadId: string, file: string, offset: number): Promise<Transform> {
    let entry = this.running.get(uploadId);
    if (!entry || entry.bytes > offset) entry = { hash: createHash('sha256'), bytes: 0 };
    if (entry.bytes < offset) {
      for await (const chunk of createReadStream(file, { start: entry.bytes, end: offset - 1, highWaterMark: 1024 * 1024 })) {
        entry.hash.update(chunk as Buffer);
        entry.bytes += (chunk as Buffer).length;
      }
      if (entry.bytes !== offset) throw new Error(`upload ${uploadId}: ${entry.bytes} bytes stored where ${offset} were expected`);
    }
    this.running.set(uploadId, entry);
    const current = entry;
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        current.hash.update(chunk);
        current.bytes += chunk.length;
        callback(null, chunk);
      },
    });
  }

  /**
   * After a write: keeps the digest when it covers exactly the `storedBytes` now in the file; an
   * interrupted write may have hashed bytes that never reached the disk, so then it is dropped and
   * the next write starts afresh from the file.
   */
  settle(uploadId: string, storedBytes: number): void {
    const entry = this.running.get(uploadId);
    if (entry && entry.bytes !== storedBytes) this.running.delete(uploadId);
  }

  /** The hex digest of the upload's first `size` bytes if this process holds it, else undefined (hash the file). */
  digest(uploadId: string, size: number): string | undefined {
    const entry = this.running.get(uploadId);
    this.running.delete(uploadId);
    return entry && entry.bytes === size ? entry.hash.digest('hex') : undefined;
  }

  forget(uploadId: string): void {
    this.running.delete(uploadId);
  }
}
