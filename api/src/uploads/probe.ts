import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** ffmpeg and ffprobe ship inside npm packages (platform binaries), so nothing downloads at run time. */
function binaries(): { ffmpeg: string; ffprobe: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ffprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
  return { ffmpeg: process.env.FFMPEG_PATH ?? ffmpeg, ffprobe: process.env.FFPROBE_PATH ?? ffprobe };
}

export interface ProbeResult {
  container: string;
  videoCodec: string;
  audioCodec: string | null;
  durationSeconds: number;
  width: number;
  height: number;
}

/**
 * A file that is not the media it claims to be. `message` is our sentence for the person who uploaded
 * it; `detail` keeps ffprobe's own last line for the log, never for a person.
 */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Streams the file once through SHA-256 (memory stays flat whatever the size). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string; tags?: { rotate?: string }; side_data_list?: Array<{ rotation?: number }> }>;
}

/** Reads container, codecs, duration and display size; throws ProbeError for anything not a playable video. */
export async function probeVideo(file: string): Promise<ProbeResult> {
  let output: FfprobeOutput;
  try {
    const { stdout } = await run(binaries().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { timeout: 60_000, maxBuffer: 10 * 1024 * 1024 });
    output = JSON.parse(stdout) as FfprobeOutput;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').pop();
    throw new ProbeError('The file is not a video we can read.', stderr?.replace(file, 'file'));
  }
  const video = output.streams?.find((s) => s.codec_type === 'video');
  if (!video || !video.width || !video.height) throw new ProbeError('The file has no video stream.');
  const audio = output.streams?.find((s) => s.codec_type === 'audio');
  const duration = Number(output.format?.duration ?? video.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new ProbeError('The video has no readable duration; it may be truncated or corrupt.');
  // Phones record portrait video as landscape plus a rotation; report what a viewer sees.
  const rotation = Math.abs(Number(video.tags?.rotate ?? video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0)) % 180;
  const [width, height] = rotation === 90 ? [video.height, video.width] : [video.width, video.height];
  return {
    container: output.format?.format_name ?? 'unknown',
    videoCodec: video.codec_name ?? 'unknown',
    audioCodec: audio?.codec_name ?? null,
    durationSeconds: Math.round(duration * 1000) / 1000,
    width,
    height,
  };
}

export interface AudioProbeResult {
  container: string;
  audioCodec: string;
  durationSeconds: number;
}

/** Reads container, audio codec and duration; throws ProbeError for anything without an audio stream. */
export async function probeAudio(file: string): Promise<AudioProbeResult> {
  let output: FfprobeOutput;
  try {
    const { stdout } = await run(binaries().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { timeout: 60_000, maxBuffer: 10 * 1024 * 1024 });
    output = JSON.parse(stdout) as FfprobeOutput;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').pop();
    throw new ProbeError('The file is not audio we can read.', stderr?.replace(file, 'file'));
  }
  const audio = output.streams?.find((s) => s.codec_type === 'audio');
  if (!audio) throw new ProbeError('The file has no audio stream.');
  const duration = Number(output.format?.duration ?? audio.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new ProbeError('The audio has no readable duration; it may be truncated or corrupt.');
  return { container: output.format?.format_name ?? 'unknown', audioCodec: audio.codec_name ?? 'unknown', durationSeconds: Math.round(duration * 1000) / 1000 };
}

/** A JPEG poster frame from about a tenth of the way in, scaled to at most 720 px high. */
export async function posterFrame(file: string, durationSeconds: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-poster-'));
  const out = path.join(dir, 'poster.jpg');
  try {
    const at = Math.min(Math.max(durationSeconds * 0.1, 0), Math.max(durationSeconds - 0.1, 0)).toFixed(3);
    await run(binaries().ffmpeg, ['-v', 'error', '-ss', at, '-i', file, '-frames:v', '1', '-vf', 'scale=-2:min(720\\,ih)', '-q:v', '4', '-y', out], { timeout: 60_000 });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
