import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeOpenAi } from '../../api/test/support/fake-openai';
import { FAKE_OPENAI_PORT } from './stack';

/**
 * Starts the fake OpenAI server the stack's API translates subtitles with, and gives the run's
 * temporary files (the videos and subtitles the journeys upload) a folder of their own, which the
 * test workers inherit through TMPDIR; stops the one and removes the other after the run.
 */
export default async function startFakeOpenAi(): Promise<() => Promise<void>> {
  const fake = await new FakeOpenAi().start(FAKE_OPENAI_PORT);
  const scratch = mkdtempSync(path.join(tmpdir(), 'greenlight-e2e-run-'));
  // Open like /tmp itself: the embedded PostgreSQL's own user reads files made here.
  chmodSync(scratch, 0o1777);
  process.env.TMPDIR = scratch;
  return async () => {
    await fake.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
