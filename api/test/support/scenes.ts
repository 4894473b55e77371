import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-scenes-'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A deterministic pseudo-random sequence (the same seed draws the same pictures). */
function random(seed: number): () => number {
  let state = (seed * 7919 + 17) % 2147483648;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * A short vertical clip of `scenes` distinct pictures, 2 s each, every one a different arrangement of
 * soft shapes drawn from `seed` and slowly panned — so two seeds give unrelated videos, like two
 * different episodes. Small (144 × 256, 12 frames/s) to keep tests light.
 */
export async function sceneClip(name: string, seed: number, scenes = 4): Promise<string> {
  const next = random(seed);
  const inputs: string[] = [];
  for (let s = 0; s < scenes; s++) {
    const shapes = Array.from({ length: 14 }, () => {
      const fill = `rgb(${Math.floor(next() * 255)},${Math.floor(next() * 255)},${Math.floor(next() * 255)})`;
      return next() < 0.5
        ? `<ellipse cx="${next() * 288}" cy="${next() * 512}" rx="${20 + next() * 90}" ry="${20 + next() * 120}" fill="${fill}"/>`
        : `<rect x="${next() * 288 - 40}" y="${next() * 512 - 40}" width="${30 + next() * 140}" height="${30 + next() * 180}" fill="${fill}" transform="rotate(${next() * 40 - 20})"/>`;
    }).join('');
    const grey = Math.floor(next() * 255);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="288" height="512"><rect width="288" height="512" fill="rgb(${grey},${grey},${grey})"/>${shapes}</svg>`;
    const png = path.join(dir, `${name}-${s}.png`);
    await sharp(Buffer.from(svg)).blur(3).png().toFile(png);
    inputs.push('-loop', '1', '-t', '2', '-framerate', '12', '-i', png);
  }
  const pans = Array.from({ length: scenes }, (_, i) => `[${i}:v]crop=w=iw*0.9:h=ih*0.9:x=t*6:y=t*9,scale=144:256,setsar=1[v${i}]`).join(';');
  const joined = `${Array.from({ length: scenes }, (_, i) => `[v${i}]`).join('')}concat=n=${scenes}:v=1:a=0,format=yuv420p[out]`;
  const file = path.join(dir, `${name}.mp4`);
  execFileSync(ffmpeg, ['-v', 'error', ...inputs, '-filter_complex', `${pans};${joined}`, '-map', '[out]', '-c:v', 'libx264', '-preset', 'ultrafast', '-y', file]);
  return file;
}

/** The ways a pirate copy differs from the original, as ffmpeg filters (and the encoder quality). */
export const COPIES = {
  reencoded: { filter: 'null', crf: 40 },
  rescaled: { filter: 'scale=360:640', crf: 28 },
  cropped: { filter: 'crop=iw*0.95:ih*0.95', crf: 28 },
  watermarked: { filter: 'drawbox=x=8:y=8:w=50:h=18:color=white@0.7:t=fill', crf: 28 },
  // Flipped left to right: a common trick to slip a re-upload past matching.
  mirrored: { filter: 'hflip', crf: 28 },
} as const;

/** A copy of `source` made with ffmpeg: re-encoded, rescaled, cropped by 5 %, watermarked or mirrored. */
export function copyOf(source: string, kind: keyof typeof COPIES): string {
  const file = source.replace(/\.mp4$/, `-${kind}.mp4`);
  const { filter, crf } = COPIES[kind];
  execFileSync(ffmpeg, ['-v', 'error', '-i', source, '-vf', filter, '-c:v', 'libx264', '-crf', String(crf), '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', file]);
  return file;
}
