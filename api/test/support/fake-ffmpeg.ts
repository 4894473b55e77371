import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

/**
 * Stand-ins for ffmpeg in a test file: `ffmpegIs(name, body)` makes "ffmpeg" (FFMPEG_PATH) the shell
 * script `body` for the next runs. The real one is back after each test; the scripts' folder (`dir`,
 * also for files the scripts leave) is removed after the file.
 */
export function fakeFfmpeg(prefix: string): { dir: string; ffmpegIs(name: string, body: string): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const previous = process.env.FFMPEG_PATH;
  afterEach(() => {
    if (previous === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = previous;
  });
  return {
    dir,
    ffmpegIs(name, body) {
      const file = path.join(dir, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
      process.env.FFMPEG_PATH = file;
    },
  };
}
