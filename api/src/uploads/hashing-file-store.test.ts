import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ERRORS, MemoryKvStore, Upload } from '@tus/utils';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkPool } from './chunk-pool';
import { gatheredBody } from './gathered-body';
import { RunningSha256 } from './running-sha256';
import { HashingFileStore } from './upload-stores';
import { seededRandom } from '../../test/support/seeded-random';

const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-hashing-file-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A request body as the upload server hands it to the store: socket-sized reads gathered into the pool's chunks. */
function body(bytes: Buffer, pool: ChunkPool, piece: number, breakAfter?: number): Readable {
  const socket = new PassThrough();
  void (async () => {
    for (let at = 0; at < bytes.length; at += piece) {
      await new Promise((resolve) => setImmediate(resolve));
      if (breakAfter !== undefined && at >= breakAfter) return void socket.destroy(new Error('socket reset'));
      socket.write(bytes.subarray(at, at + piece));
    }
    socket.end();
  })();
  return Readable.fromWeb(gatheredBody(socket, { pool }) as import('node:stream/web').ReadableStream<Uint8Array>);
}

async function newUpload(size: number) {
  const pool = new ChunkPool(65_536, 4);
  const hashes = new RunningSha256();
  const store = new HashingFileStore({ directory: dir, configstore: new MemoryKvStore() }, hashes, pool);
  const id = randomBytes(16).toString('hex');
  await store.create(new Upload({ id, size, offset: 0 }));
  return { pool, hashes, store, id, file: path.join(dir, id) };
}

describe('HashingFileStore.write', () => {
  it('seeded and randomized: PATCHes of any size, from socket reads of any size, store the file byte for byte with its sha256, reusing a few chunks', async () => {
    const seed = Number(process.env.FILE_STORE_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    for (let round = 0; round < 8; round++) {
      const bytes = randomBytes(2_000_000 + Math.floor(random() * 3_000_000));
      const { pool, hashes, store, id, file } = await newUpload(bytes.length);
      let offset = 0;
      while (offset < bytes.length) {
        const patch = bytes.subarray(offset, offset + 1 + Math.floor(random() * 1_500_000));
        const piece = 1 + Math.floor(random() * 200_000);
        offset = await store.write(body(patch, pool, piece), id, offset);
      }
      const context = `seed ${seed}, round ${round}`;
      // A chunk handed back before the file had it would be overwritten by a later one: the file would differ.
      expect(readFileSync(file).equals(bytes), context).toBe(true);
      expect(hashes.digest(id, bytes.length), context).toBe(sha256(bytes));
      expect(pool.madeCount, context).toBeLessThanOrEqual(8);
    }
  });

  it('a request that breaks off mid-body fails as FILE_WRITE_ERROR, keeps what was written, and the upload resumes to its exact bytes and sha256', async () => {
    const bytes = randomBytes(2_000_000);
    const { pool, hashes, store, id, file } = await newUpload(bytes.length);
    await expect(store.write(body(bytes, pool, 65_536, 700_000), id, 0)).rejects.toBe(ERRORS.FILE_WRITE_ERROR);
    const stored = readFileSync(file);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.equals(bytes.subarray(0, stored.length))).toBe(true);
    expect(await store.write(body(bytes.subarray(stored.length), pool, 65_536), id, stored.length)).toBe(bytes.length);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(hashes.digest(id, bytes.length)).toBe(sha256(bytes));
  });
});
