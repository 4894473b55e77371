import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMediaTool } from '../../../media-tools/media-tool';

/** The transcription endpoint takes files up to 25 MB. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/**
 * The episode's audio for transcription: mono, 16 kHz, 32 kbit/s MP3 (speech needs no more; an hour
 * is about 14 MB), at most `maxSeconds` of it, made by ffmpeg within `timeoutMs`. `release` deletes it.
 */
export async function extractAudio(video: string, options: { maxSeconds: number; timeoutMs?: number }): Promise<{ path: string; bytes: number; release: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-audio-'));
  const release = () => rm(dir, { recursive: true, force: true });
  const out = path.join(dir, 'audio.mp3');
  try {
    await runMediaTool('ffmpeg', ['-v', 'error', '-i', video, '-map', '0:a:0', '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'libmp3lame', '-b:a', '32k', '-t', String(options.maxSeconds), '-y', out], { timeoutMs: options.timeoutMs ?? 120_000 });
    const { size } = await stat(out);
    if (size > MAX_AUDIO_BYTES) throw new Error(`the extracted audio is ${Math.ceil(size / 1024 / 1024)} MB, over the ${MAX_AUDIO_BYTES / 1024 / 1024} MB the transcription endpoint takes`);
    return { path: out, bytes: size, release };
  } catch (error) {
    await release();
    throw error;
  }
}
