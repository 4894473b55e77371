import type { Config } from '../../../config';
import { ThreadedClassifier } from '../visual-classifier/threaded-classifier';
import { EmbeddedProvider } from './embedded-provider';
import { OpenAiProvider } from './openai-provider';
import type { ReviewProvider } from './provider';
import { RulesProvider } from './rules-provider';

/**
 * `openai` when configured with a key; else the embedded default: the built-in rules and the
 * embedded image model in worker threads (or the rules alone when the model is turned off).
 */
export function createReviewProvider(config: Config): ReviewProvider {
  if (config.review.provider === 'openai' && config.review.openai) return new OpenAiProvider(config.review.openai);
  if (config.review.visualClassifier) return new EmbeddedProvider(new ThreadedClassifier({ modelDir: config.review.visualClassifier.modelDir, threads: config.review.visualClassifier.threads }));
  return new RulesProvider();
}
