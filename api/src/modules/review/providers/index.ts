import type { Config } from '../../../config';
import { OpenAiProvider } from './openai-provider';
import type { ReviewProvider } from './provider';
import { RulesProvider } from './rules-provider';

/** `openai` when configured with a key, else the built-in rules (the embedded default). */
export function createReviewProvider(config: Config): ReviewProvider {
  if (config.review.provider === 'openai' && config.review.openai) return new OpenAiProvider(config.review.openai);
  return new RulesProvider();
}
