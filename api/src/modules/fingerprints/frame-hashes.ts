import pLimit from 'p-limit';
import phash from 'sharp-phash';
import { MediaToolError, runMediaTool } from '../../media-tools/media-tool';

/** Frames are sampled at this rate (per second of video): the moments a match can point at. */
export const FRAMES_PER_SECOND = 1;
/** Side of the square greyscale frame ffmpeg hands over; pHash reduces it further to 32 × 32. */
const FRAME_SIDE = 64;
/**
 * Frames flatter than this (standard deviation of 0–255 grey levels) carry no picture to recognise —
 * black, white or one-colour title cards — and would match every other such frame on the platform.
 */
const MIN_CONTRAST = 6;

export interface FrameHash {
  /** Milliseconds from the start of the video. */
  atMs: number;
  /** 64-bit DCT perceptual hash (pHash) of the frame, as a signed 64-bit integer (PostgreSQL bigint). */
  hash: bigint;
  /**
   * The pHash of the same frame flipped left to right. Looked up against other media's `hash`, so a
   * mirrored re-upload (a common piracy trick) matches its original; never indexed itself.
   */
  mirroredHash?: bigint;
}

/**
 * Frames hashed at once. Each hash is a libvips resize (on libuv's threads) and then a DCT on this
 * thread: hashed one after another, a frame waited on the resize while the next ones queued, and the
 * hashing finished well after the decoding (about 40 ms after it for a short clip here).
 */
const FRAMES_HASHED_AT_ONCE = 4;

/**
 * Perceptual hashes of a video: one frame per second, decoded by ffmpeg to a small greyscale square
 * (so every rendition of the same picture — re-encoded, rescaled — looks alike before hashing), hashed
 * with a 64-bit DCT pHash, and hashed again flipped left to right (`mirroredHash`). Flat frames are
 * left out. Each frame is hashed as soon as ffmpeg hands it over (up to FRAMES_HASHED_AT_ONCE at a
 * time), while the next ones are decoded, so the hashing adds little to the decoding's time. In the
 * order of the frames. Throws when ffmpeg cannot decode the file; `signal` stops it.
 */
export async function frameHashes(file: string, signal?: AbortSignal): Promise<FrameHash[]> {
  const limit = pLimit(FRAMES_HASHED_AT_ONCE);
  const hashing: Array<Promise<FrameHash | null>> = [];
  // Once decoding fails or is stopped, the frames still queued are dropped: the failure is reported
  // at once, not after hashing frames nobody will use.
  let abandoned = false;
  const hashFrame = (pixels: Buffer) => {
    const atMs = Math.round((hashing.length * 1000) / FRAMES_PER_SECOND);
    const hashed = limit(async (): Promise<FrameHash | null> => {
      if (abandoned || signal?.aborted || contrast(pixels) < MIN_CONTRAST) return null;
      const [hash, mirroredHash] = await Promise.all([greyHash(pixels), greyHash(flippedLeftToRight(pixels))]);
      return { atMs, hash, mirroredHash };
    });
    // Reported once decoding ends (below), not as an unhandled rejection meanwhile; a failed hash
    // drops the frames queued behind it, as a failed decoding does.
    hashed.catch(() => {
      abandoned = true;
    });
    hashing.push(hashed);
  };
  const decoded = await decodeFrames(file, hashFrame, signal).then(
    () => null,
    (error: unknown) => {
      abandoned = true;
      return { error };
    },
  );
  // Every frame handed over settles before anything is reported: no hashing is left running behind a rejection.
  const hashed = await Promise.allSettled(hashing);
  if (decoded) throw decoded.error;
  // Stopped after decoding ended: the frames left unhashed make the hashes incomplete.
  signal?.throwIfAborted();
  const hashes: FrameHash[] = [];
  for (const frame of hashed) {
    if (frame.status === 'rejected') throw frame.reason;
    if (frame.value) hashes.push(frame.value);
  }
  return hashes;
}

async function greyHash(pixels: Buffer): Promise<bigint> {
  const bits = await phash(pixels, { raw: { width: FRAME_SIDE, height: FRAME_SIDE, channels: 1 } });
  return BigInt.asIntN(64, BigInt(`0b${bits}`));
}

/** A square grey frame mirrored left to right (each row reversed). */
export function flippedLeftToRight(pixels: Buffer, side = FRAME_SIDE): Buffer {
  const flipped = Buffer.allocUnsafe(pixels.length);
  for (let row = 0; row < pixels.length; row += side) {
    for (let x = 0; x < side; x++) flipped[row + x] = pixels[row + side - 1 - x]!;
  }
  return flipped;
}

/**
 * Decodes the sampled frames as raw 8-bit grey squares streamed from ffmpeg (no temporary files),
 * handing each to `onFrame` as it arrives; `signal` stops it. At one 4 KiB frame a second, 256 MiB is
 * over 18 hours of video.
 */
async function decodeFrames(file: string, onFrame: (pixels: Buffer) => void, signal?: AbortSignal): Promise<void> {
  const frameBytes = FRAME_SIDE * FRAME_SIDE;
  let partial: Buffer = Buffer.alloc(0);
  const onStdout = (chunk: Buffer) => {
    const bytes = partial.length > 0 ? Buffer.concat([partial, chunk]) : chunk;
    let offset = 0;
    for (; offset + frameBytes <= bytes.length; offset += frameBytes) onFrame(bytes.subarray(offset, offset + frameBytes));
    partial = bytes.subarray(offset);
  };
  await runMediaTool('ffmpeg', ['-v', 'error', '-i', file, '-an', '-sn', '-vf', `fps=${FRAMES_PER_SECOND},scale=${FRAME_SIDE}:${FRAME_SIDE}:flags=area,format=gray`, '-f', 'rawvideo', '-'], {
    timeoutMs: 10 * 60_000,
    maxStdoutBytes: 256 * 1024 * 1024,
    signal,
    onStdout,
  }).catch((error: unknown) => {
    throw error instanceof MediaToolError ? new Error(`ffmpeg could not sample frames: ${error.message}`) : error;
  });
}

function contrast(pixels: Buffer): number {
  let sum = 0;
  let squares = 0;
  for (const p of pixels) {
    sum += p;
    squares += p * p;
  }
  const mean = sum / pixels.length;
  return Math.sqrt(Math.max(0, squares / pixels.length - mean * mean));
}

/** Number of differing bits between two 64-bit hashes. */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}
