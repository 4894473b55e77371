import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeFfmpeg } from '../../test/support/fake-ffmpeg';
import { processAlive } from '../../test/support/processes';
import { MediaToolError, runMediaTool } from './media-tool';

const { dir, ffmpegIs } = fakeFfmpeg('greenlight-media-tool-');
/** The process group of `pid` (field 5 of /proc/<pid>/stat). */
const groupOf = (pid: number | 'self') => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);

describe('runMediaTool', () => {
  it('runs the packaged ffmpeg and returns what it printed', async () => {
    const { stdout } = await runMediaTool('ffmpeg', ['-version'], { timeoutMs: 30_000 });
    expect(stdout.toString()).toMatch(/^ffmpeg version/);
  });

  it('runs it as the leader of a process group of its own, so a signal to the server’s group does not reach it', async () => {
    ffmpegIs('group', 'echo $$ $(cut -d" " -f5 /proc/$$/stat)');
    const [pid, group] = (await runMediaTool('ffmpeg', [], { timeoutMs: 10_000 })).stdout.toString().trim().split(' ').map(Number);
    expect(group).toBe(pid);
    expect(group).not.toBe(groupOf('self'));
  });

  it('a run stopped through its signal rejects with the AbortError, and its process is gone', async () => {
    ffmpegIs('stopped', `echo $$ > "${dir}/stopped.pid"\nexec sleep 30`);
    const stop = new AbortController();
    const run = runMediaTool('ffmpeg', [], { timeoutMs: 60_000, signal: stop.signal });
    await expect.poll(() => readFileSync(`${dir}/stopped.pid`, 'utf8').trim(), { timeout: 5_000 }).not.toBe('');
    stop.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(processAlive(Number(readFileSync(`${dir}/stopped.pid`, 'utf8')))).toBe(false);
  });

  it('with onStdout, hands stdout over while the tool still runs, and still stops it past its stdout limit', async () => {
    ffmpegIs('streaming', `echo first\nwhile [ ! -e "${dir}/go-on" ]; do sleep 0.05; done\necho second`);
    const seen: string[] = [];
    const run = runMediaTool('ffmpeg', [], { timeoutMs: 10_000, onStdout: (chunk) => seen.push(chunk.toString()) });
    // The first line arrives before the tool may end: it was handed over as it came, not at the exit.
    await expect.poll(() => seen.join(''), { timeout: 5_000 }).toBe('first\n');
    writeFileSync(`${dir}/go-on`, '');
    expect((await run).stdout.length).toBe(0);
    expect(seen.join('')).toBe('first\nsecond\n');
    ffmpegIs('chatty-streaming', 'yes');
    let handed = 0;
    await expect(runMediaTool('ffmpeg', [], { timeoutMs: 10_000, maxStdoutBytes: 1024, onStdout: (chunk) => (handed += chunk.length) })).rejects.toThrow('ffmpeg printed more than 1024 bytes');
    expect(handed).toBeLessThanOrEqual(1024);
    // A receiver that throws stops the run and its error is the run's (the process carries on).
    ffmpegIs('streaming-refused', `echo $$ > "${dir}/refused.pid"\nwhile true; do echo frame; sleep 0.05; done`);
    const refuse = () => {
      throw new Error('not a frame');
    };
    await expect(runMediaTool('ffmpeg', [], { timeoutMs: 10_000, onStdout: refuse })).rejects.toThrow('not a frame');
    expect(processAlive(Number(readFileSync(`${dir}/refused.pid`, 'utf8')))).toBe(false);
  });

  it('a run past its time limit, past its stdout limit, or exiting other than 0 rejects with MediaToolError saying which, with its last line of stderr', async () => {
    ffmpegIs('slow', 'exec sleep 30');
    await expect(runMediaTool('ffmpeg', [], { timeoutMs: 200 })).rejects.toThrow(new MediaToolError('ffmpeg', null, '', 'ran past its 0.2 s limit'));
    ffmpegIs('chatty', 'yes');
    await expect(runMediaTool('ffmpeg', [], { timeoutMs: 10_000, maxStdoutBytes: 1024 })).rejects.toThrow('ffmpeg printed more than 1024 bytes');
    ffmpegIs('failing', 'echo "first line" >&2\necho "Invalid data found" >&2\nexit 3');
    const failed = await runMediaTool('ffmpeg', [], { timeoutMs: 10_000 }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(MediaToolError);
    expect(failed).toMatchObject({ code: 3, message: 'ffmpeg exited with code 3: Invalid data found' });
  });
});
