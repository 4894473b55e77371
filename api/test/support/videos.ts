import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processAlive } from './processes';

const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-clips-'));
/** The ffmpeg the tests make clips with (the API's own unless FFMPEG_PATH names another). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A small test clip made now with ffmpeg (test videos are generated, not committed). */
export function makeClip(name: string, options: { width?: number; height?: number; seconds?: number; container?: 'mp4' | 'webm' | 'mov'; audio?: boolean } = {}): string {
  const { width = 360, height = 640, seconds = 2, container = 'mp4', audio = false } = options;
  const file = path.join(dir, `${name}.${container}`);
  const codec = container === 'webm' ? ['-c:v', 'libvpx', '-b:v', '200k'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  // With `audio`, a sound track (a tone) the transcription path extracts.
  const sound = audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : [];
  const soundCodec = audio ? (container === 'webm' ? ['-c:a', 'libopus'] : ['-c:a', 'aac']) : [];
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=24`, ...sound, '-t', String(seconds), ...codec, ...soundCodec, '-y', file]);
  return file;
}

/** A tone of `seconds` as AAC in M4A (a dub), made now with ffmpeg. */
export function makeAudio(name: string, seconds: number): string {
  const file = path.join(dir, `${name}.m4a`);
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-b:a', '24k', '-y', file]);
  return file;
}

/** Bytes that claim to be an MP4 but are not a video. */
export function makeCorruptClip(name: string): string {
  const file = path.join(dir, `${name}.mp4`);
  writeFileSync(file, Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42'), Buffer.alloc(40_000, 7)]));
  return file;
}

export const sha256Of = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** An "ffmpeg" that waits until `open()` before running the real one; `started` once something called it. */
export function gatedFfmpeg(name: string): { path: string; started(): boolean; open(): void; running(): boolean } {
  const dir = mkdtempSync(path.join(tmpdir(), `greenlight-gate-${name}-`));
  const real = process.env.FFMPEG_PATH ?? ffmpeg;
  const file = path.join(dir, 'ffmpeg');
  writeFileSync(file, `#!/bin/sh\necho $$ > "${dir}/started"\nwhile [ ! -e "${dir}/open" ]; do sleep 0.05; done\nexec "${real}" "$@"\n`);
  chmodSync(file, 0o755);
  const started = () => existsSync(path.join(dir, 'started'));
  /** Whether the last run that reached the gate is still running (waiting at it, or ffmpeg since). */
  const running = () => started() && processAlive(Number(readFileSync(path.join(dir, 'started'), 'utf8').trim()));
  return { path: file, started, open: () => writeFileSync(path.join(dir, 'open'), ''), running };
}
