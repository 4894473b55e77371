import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaToolError, runMediaTool } from '../media-tools/media-tool';

export interface ProbeResult {
  container: string;
  videoCodec: string;
  audioCodec: string | null;
  durationSeconds: number;
  width: number;
  height: number;
}

/**
 * The file is not what it should be. `message` is for the studio, in words; `detail` (ffprobe's or
 * ffmpeg's own last line) is for the server log only, never shown.
 */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Streams the file once through SHA-256 (memory stays flat whatever the size); `signal` stops it. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string; tags?: { rotate?: string }; side_data_list?: Array<{ rotation?: number }> }>;
}

/**
 * ffprobe's account of `file`; ProbeError with `unreadable` when it cannot read it. A run `signal`
 * stopped rejects with its AbortError: that says nothing about the file.
 */
async function ffprobe(file: string, signal: AbortSignal | undefined, unreadable: string): Promise<FfprobeOutput> {
  try {
    const { stdout } = await runMediaTool('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { timeoutMs: 60_000, maxStdoutBytes: 10 * 1024 * 1024, signal });
    return JSON.parse(stdout.toString()) as FfprobeOutput;
  } catch (error) {
    if (!(error instanceof MediaToolError) && !(error instanceof SyntaxError)) throw error;
    const stderr = error instanceof MediaToolError ? error.stderr.trim().split('\n').pop() : undefined;
    throw new ProbeError(unreadable, stderr?.replace(file, 'file'));
  }
}

/** Reads container, codecs, duration and display size; throws ProbeError for anything not a playable video. */
export async function probeVideo(file: string, signal?: AbortSignal): Promise<ProbeResult> {
  const output = await ffprobe(file, signal, 'The file could not be read as a video: it may be damaged, or not a video despite its name.');
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
export async function probeAudio(file: string, signal?: AbortSignal): Promise<AudioProbeResult> {
  const output = await ffprobe(file, signal, 'The file could not be read as audio: it may be damaged, or not audio despite its name.');
  const audio = output.streams?.find((s) => s.codec_type === 'audio');
  if (!audio) throw new ProbeError('The file has no audio stream.');
  const duration = Number(output.format?.duration ?? audio.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new ProbeError('The audio has no readable duration; it may be truncated or corrupt.');
  return { container: output.format?.format_name ?? 'unknown', audioCodec: audio.codec_name ?? 'unknown', durationSeconds: Math.round(duration * 1000) / 1000 };
}

/** A JPEG poster frame from about a tenth of the way in, scaled to at most 720 px high. */
export async function posterFrame(file: string, durationSeconds: number, signal?: AbortSignal): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-poster-'));
  const out = path.join(dir, 'poster.jpg');
  try {
    const at = Math.min(Math.max(durationSeconds * 0.1, 0), Math.max(durationSeconds - 0.1, 0)).toFixed(3);
    await runMediaTool('ffmpeg', ['-v', 'error', '-ss', at, '-i', file, '-frames:v', '1', '-vf', 'scale=-2:min(720\\,ih)', '-q:v', '4', '-y', out], { timeoutMs: 60_000, signal });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
