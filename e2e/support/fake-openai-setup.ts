import { FakeOpenAi } from '../../api/test/support/fake-openai';
import { useScratchFolder } from '../../api/test/support/scratch';
import { FAKE_OPENAI_PORT } from './stack';

/**
 * Starts the fake OpenAI server the stack's API translates subtitles with, and gives the run's
 * temporary files (the videos and subtitles the journeys upload) a folder of their own; stops the one
 * and removes the other after the run.
 */
export default async function startFakeOpenAi(): Promise<() => Promise<void>> {
  const fake = await new FakeOpenAi().start(FAKE_OPENAI_PORT);
  const removeScratch = useScratchFolder('greenlight-e2e-run-');
  return async () => {
    await fake.stop();
    removeScratch();
  };
}
