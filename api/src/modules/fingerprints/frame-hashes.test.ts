import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import phash from 'sharp-phash';
import { describe, expect, it } from 'vitest';
import { fakeFfmpeg } from '../../../test/support/fake-ffmpeg';
import { frameHashes } from './frame-hashes';

const { ffmpegIs } = fakeFfmpeg('greenlight-frame-hashes-');

/** 1,024 frames of noise (64 × 64 grey bytes each): many seconds of hashing, far more than a failure may wait. */
const MANY_FRAMES = 'head -c 4194304 /dev/urandom';

describe('frameHashes', () => {
  it('hashes frames several at a time, yet gives each its own moment and hash, in order', async () => {
    const frames = path.join(os.tmpdir(), `greenlight-frames-${process.pid}.raw`);
    // 24 frames of noise, written once and read back: each frame's pixels are known to the test.
    ffmpegIs('noise', `head -c ${24 * 4096} /dev/urandom | tee ${frames}`);
    const hashes = await frameHashes('video.mp4');
    const pixels = readFileSync(frames);
    rmSync(frames);
    expect(hashes.map((h) => h.atMs)).toEqual(Array.from({ length: 24 }, (_, i) => i * 1000));
    for (const [i, h] of hashes.entries()) {
      const bits = await phash(pixels.subarray(i * 4096, (i + 1) * 4096), { raw: { width: 64, height: 64, channels: 1 } });
      expect(h.hash, `frame ${i}`).toBe(BigInt.asIntN(64, BigInt(`0b${bits}`)));
    }
  }, 60_000);

  it('reports a decoding failure at once, without hashing the frames decoded before it', async () => {
    ffmpegIs('fails-late', `${MANY_FRAMES}\necho 'broken at the end' >&2\nexit 1`);
    const started = Date.now();
    await expect(frameHashes('video.mp4')).rejects.toThrow('ffmpeg could not sample frames: ffmpeg exited with code 1: broken at the end');
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 60_000);

  it('stopped through its signal, rejects with the AbortError at once, without hashing the frames already decoded', async () => {
    ffmpegIs('stalls', `${MANY_FRAMES}\nexec sleep 30`);
    const stop = new AbortController();
    const hashing = frameHashes('video.mp4', stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = Date.now();
    stop.abort();
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - stopped).toBeLessThan(3_000);
  }, 60_000);
});
