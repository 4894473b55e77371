import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RunningSha256 } from './running-sha256';
import { seededRandom } from '../../test/support/seeded-random';

const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-running-sha256-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic pseudo-random numbers, so a failing seed can be replayed. */
const random = seededRandom;

/**
 * One PATCH as the upload store makes it: `bytes` flow through the tap into the file at `offset`.
 * With `cutAfter`, the client goes away after that many bytes (some of them may reach the file).
 */
async function write(hashes: RunningSha256, id: string, file: string, offset: number, bytes: Buffer, cutAfter?: number): Promise<number> {
  const tap = await hashes.tap(id, file, offset);
  const source = Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 4096) {
        if (cutAfter !== undefined && at >= cutAfter) throw new Error('client went away');
        yield bytes.subarray(at, at + 4096);
      }
    })(),
  );
  try {
    await pipeline(source, tap, createWriteStream(file, { flags: 'r+', start: offset }));
    hashes.settle(id, statSync(file).size);
  } catch {
    hashes.forget(id);
  }
  return statSync(file).size;
}

describe('RunningSha256', () => {
  it('digests the bytes as they are written, without reading the file again', async () => {
    const file = path.join(dir, 'plain');
    writeFileSync(file, '');
    const hashes = new RunningSha256();
    const data = randomBytes(300_000);
    let offset = 0;
    for (const size of [100_000, 100_000, 100_000]) offset = await write(hashes, 'plain', file, offset, data.subarray(offset, offset + size));
    // The file is changed behind the digest's back: a digest computed on the way in cannot see it.
    writeFileSync(file, Buffer.alloc(300_000));
    expect(hashes.digest('plain', 300_000)).toBe(sha256(data));
  });

  it('after a restart (a new process holds nothing) the digest catches up from the stored bytes', async () => {
    const file = path.join(dir, 'restart');
    writeFileSync(file, '');
    const data = randomBytes(250_000);
    const offset = await write(new RunningSha256(), 'restart', file, 0, data.subarray(0, 120_000));
    const after = new RunningSha256();
    await write(after, 'restart', file, offset, data.subarray(offset));
    expect(after.digest('restart', data.length)).toBe(sha256(data));
  });

  it('a write cut off mid-way drops the digest, and the next write rebuilds it from the file', async () => {
    const file = path.join(dir, 'cut');
    writeFileSync(file, '');
    const hashes = new RunningSha256();
    const data = randomBytes(200_000);
    const offset = await write(hashes, 'cut', file, 0, data.subarray(0, 150_000), 70_000);
    expect(offset).toBeLessThan(150_000);
    await write(hashes, 'cut', file, offset, data.subarray(offset));
    expect(hashes.digest('cut', data.length)).toBe(sha256(data));
  });

  // Every sequence of writes, cut-off writes, restarts and writes served by another process ends
  // with a digest equal to the sha256 of the stored file — or none (then the file is hashed).
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random write sequences keep the digest equal to the stored bytes (seed ${seed})`, async () => {
      const rand = random(seed);
      const file = path.join(dir, `random-${seed}`);
      writeFileSync(file, '');
      const data = randomBytes(400_000);
      const processes = [new RunningSha256(), new RunningSha256()];
      let offset = 0;
      let steps = 0;
      while (offset < data.length) {
        steps++;
        const r = rand();
        if (r < 0.1) processes[0] = new RunningSha256(); // a restart
        const serving = processes[rand() < 0.3 ? 1 : 0]!; // sometimes another process serves the PATCH
        const size = Math.min(data.length - offset, 1 + Math.floor(rand() * 90_000));
        const cut = rand() < 0.2 ? Math.floor(rand() * size) : undefined;
        offset = await write(serving, `random-${seed}`, file, offset, data.subarray(offset, offset + size), cut);
      }
      expect(readFileSync(file).equals(data)).toBe(true);
      // The process that served the last write holds the digest; it must be the file's.
      const digests = processes.map((p) => p.digest(`random-${seed}`, data.length)).filter((d) => d !== undefined);
      expect(digests.length, `after ${steps} writes`).toBeGreaterThan(0);
      for (const digest of digests) expect(digest).toBe(sha256(data));
    });
  }
});
