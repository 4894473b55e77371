import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMediaTool } from '../../media-tools/media-tool';

export interface Keyframe {
  /** Seconds from the start. */
  time: number;
  jpeg: Buffer;
}

/** Times of scene changes (ffmpeg's scene score), for frames that show something new. */
async function sceneChanges(file: string, limit: number): Promise<number[]> {
  try {
    const { stderr } = await runMediaTool('ffmpeg', ['-hide_banner', '-i', file, '-vf', "select='gt(scene,0.35)',showinfo", '-an', '-f', 'null', '-'], { timeoutMs: 120_000, stderrKeptBytes: 20 * 1024 * 1024 });
    return [...stderr.matchAll(/pts_time:([\d.]+)/g)].map((m) => Number(m[1])).slice(0, limit);
  } catch {
    return [];
  }
}

/**
 * Keyframes for visual checks: evenly spaced through the episode plus scene changes, capped at
 * `max`, downscaled to 512 px wide at most, JPEG.
 */
export async function sampleKeyframes(file: string, durationSeconds: number, max: number): Promise<Keyframe[]> {
  const even = Math.max(1, Math.ceil(max / 2));
  const times = new Set<number>();
  for (let i = 0; i < even; i++) times.add(Number((((i + 0.5) * durationSeconds) / even).toFixed(2)));
  for (const t of await sceneChanges(file, max)) {
    if (times.size >= max) break;
    if ([...times].every((x) => Math.abs(x - t) > 0.5)) times.add(Number(t.toFixed(2)));
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-frames-'));
  try {
    const sorted = [...times].sort((a, b) => a - b).slice(0, max);
    const frames: Keyframe[] = [];
    for (const [i, time] of sorted.entries()) {
      const out = path.join(dir, `${i}.jpg`);
      await runMediaTool('ffmpeg', ['-v', 'error', '-ss', String(Math.min(time, Math.max(durationSeconds - 0.05, 0))), '-i', file, '-frames:v', '1', '-vf', "scale='min(512,iw)':-2", '-q:v', '5', '-y', out], { timeoutMs: 60_000 });
      if ((await readdir(dir)).includes(`${i}.jpg`)) frames.push({ time, jpeg: await readFile(out) });
    }
    return frames;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
