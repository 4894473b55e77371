import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Gives a test run's temporary files (servers' data folders, clips, uploads, the processes it starts)
 * one folder of its own: TMPDIR, which test workers and child processes inherit, points there from
 * now on. Returns what removes it when the run ends.
 */
export function useScratchFolder(prefix: string): () => void {
  const scratch = mkdtempSync(path.join(tmpdir(), prefix));
  // Open like /tmp itself: the embedded PostgreSQL's own user reads files made here.
  chmodSync(scratch, 0o1777);
  process.env.TMPDIR = scratch;
  return () => rmSync(scratch, { recursive: true, force: true });
}
