import { describe, expect, it } from 'vitest';
import { fakeFfmpeg } from '../../../test/support/fake-ffmpeg';
import { frameHashes } from './frame-hashes';

const { ffmpegIs } = fakeFfmpeg('greenlight-frame-hashes-');

/** 1,024 frames of noise (64 × 64 grey bytes each): many seconds of hashing, far more than a failure may wait. */
const MANY_FRAMES = 'head -c 4194304 /dev/urandom';

describe('frameHashes', () => {
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
