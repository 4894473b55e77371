import { FakeOpenAi } from '../../api/test/support/fake-openai';
import { FAKE_OPENAI_PORT } from './stack';

/** Starts the fake OpenAI server the stack's API translates subtitles with; stops it after the run. */
export default async function startFakeOpenAi(): Promise<() => Promise<void>> {
  const fake = await new FakeOpenAi().start(FAKE_OPENAI_PORT);
  return () => fake.stop();
}
