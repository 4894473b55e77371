import { spawn } from 'node:child_process';

export type MediaTool = 'ffmpeg' | 'ffprobe';

/** ffmpeg and ffprobe ship inside npm packages (platform binaries), so nothing downloads at run time; FFMPEG_PATH and FFPROBE_PATH override them. */
export function mediaToolPath(tool: MediaTool): string {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (tool === 'ffmpeg') return process.env.FFMPEG_PATH ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  return process.env.FFPROBE_PATH ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** A run that did not end well: its exit code (null when it was killed), and what it printed on stderr. */
export class MediaToolError extends Error {
  constructor(
    readonly tool: MediaTool,
    readonly code: number | null,
    readonly stderr: string,
    why: string,
  ) {
    super(`${tool} ${why}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
  }
}


/**
 * Runs ffmpeg or ffprobe to its end; resolves with its stdout (bytes) and stderr (text: its last
 * `stderrKeptBytes`, 64 KiB unless said; the end is where ffmpeg says what went wrong). With
 * `onStdout`, stdout is handed over as it comes instead (for work on a video's frames while the rest
 * are still being decoded) and the resolved `stdout` is empty; should it throw, the run is killed and
 * rejects with what it threw.
 *
 * It runs in a process group of its own (`detached`): a signal sent to the server's whole group
 * (Ctrl-C in a terminal, `kill -- -PGID`) is the server's to act on, and the server stops the runs it
 * wants stopped through `signal`; otherwise a run cut by a signal meant for the server would read as a
 * damaged file. Its group is killed after `timeoutMs`, when stdout passes `maxStdoutBytes` (16 MiB
 * unless said), or on `signal`. Rejects with MediaToolError when it does not exit 0, and with
 * `signal`'s reason (an AbortError) when that stopped it.
 */
export function runMediaTool(
  tool: MediaTool,
  args: string[],
  options: { timeoutMs: number; maxStdoutBytes?: number; stderrKeptBytes?: number; signal?: AbortSignal; onStdout?: (chunk: Buffer) => void },
): Promise<{ stdout: Buffer; stderr: string }> {
  const maxStdout = options.maxStdoutBytes ?? 16 * 1024 * 1024;
  const stderrKept = options.stderrKeptBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(mediaToolPath(tool), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let stopped: string | undefined;
    let aborted = false;
    /** What `onStdout` threw, if it did: the run rejects with it. */
    let received: unknown;
    // The whole group: whatever the tool started goes with it, and nothing keeps its output open.
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      aborted = true;
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      stopped = `ran past its ${options.timeoutMs / 1000} s limit`;
      kill();
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxStdout) {
        stopped = `printed more than ${maxStdout} bytes`;
        kill();
      } else if (options.onStdout) {
        // A receiver that throws stops the run (its error is the run's), rather than the process.
        try {
          options.onStdout(chunk);
        } catch (error) {
          received ??= error;
          kill();
        }
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 2 * stderrKept) stderr = stderr.slice(-stderrKept);
    });
    const settled = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      settled();
      reject(new MediaToolError(tool, null, stderr, `could not be started (${error.message})`));
    });
    child.on('close', (code, killedBy) => {
      settled();
      stderr = stderr.slice(-stderrKept);
      if (aborted) return reject(signal!.reason);
      if (received !== undefined) return reject(received);
      if (code === 0 && !stopped) return resolve({ stdout: Buffer.concat(out), stderr });
      reject(new MediaToolError(tool, code, stderr, stopped ?? (killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`)));
    });
  });
}
