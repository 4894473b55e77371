import { spawn } from 'node:child_process';
import phash from 'sharp-phash';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpegPath = () => process.env.FFMPEG_PATH ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

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
 * Perceptual hashes of a video: one frame per second, decoded by ffmpeg to a small greyscale square
 * (so every rendition of the same picture — re-encoded, rescaled — looks alike before hashing), hashed
 * with a 64-bit DCT pHash, and hashed again flipped left to right (`mirroredHash`). Flat frames are
 * left out. Throws when ffmpeg cannot decode the file.
 */
export async function frameHashes(file: string): Promise<FrameHash[]> {
  const frames = await decodeFrames(file);
  const hashes: FrameHash[] = [];
  for (const [index, pixels] of frames.entries()) {
    if (contrast(pixels) < MIN_CONTRAST) continue;
    hashes.push({ atMs: Math.round((index * 1000) / FRAMES_PER_SECOND), hash: await greyHash(pixels), mirroredHash: await greyHash(flippedLeftToRight(pixels)) });
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

/** Decodes the sampled frames as raw 8-bit grey squares, streamed from ffmpeg (no temporary files). */
function decodeFrames(file: string): Promise<Buffer[]> {
  const frameBytes = FRAME_SIDE * FRAME_SIDE;
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-v', 'error', '-i', file, '-an', '-sn', '-vf', `fps=${FRAMES_PER_SECOND},scale=${FRAME_SIDE}:${FRAME_SIDE}:flags=area,format=gray`, '-f', 'rawvideo', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()).slice(-2000));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`ffmpeg could not sample frames (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`));
      const all = Buffer.concat(chunks);
      const frames: Buffer[] = [];
      for (let offset = 0; offset + frameBytes <= all.length; offset += frameBytes) frames.push(all.subarray(offset, offset + frameBytes));
      resolve(frames);
    });
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
