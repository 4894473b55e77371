import type { MikroORM } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createReviewProvider } from '../modules/review/providers';
import { ReviewPipeline } from '../modules/review/review-pipeline';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';
import { REVIEW_QUEUE } from './queue';

/**
 * Works the review queue with `concurrency` parallel jobs. A job that throws is retried by pg-boss
 * with backoff; a job whose worker dies is retried after it expires. The pipeline itself makes a
 * retried job harmless (one assessment per case).
 */
export async function startReviewWorker(deps: { orm: MikroORM; config: Config; logger: Logger; storage: MediaStorage; services: Services; boss: PgBoss }): Promise<{ pipeline: ReviewPipeline }> {
  const { config, logger, boss } = deps;
  const provider = createReviewProvider(config);
  const pipeline = new ReviewPipeline(deps.orm, config, logger, deps.storage, provider, deps.services.reviews, deps.services.audit);
  logger.info({ provider: provider.name, model: provider.model, concurrency: config.review.concurrency }, 'review worker started');
  for (let i = 0; i < config.review.concurrency; i++) {
    await boss.work<{ caseId: string }>(REVIEW_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job) return;
      const started = Date.now();
      const outcome = await pipeline.run(job.data.caseId);
      logger.info({ caseId: job.data.caseId, outcome, ms: Date.now() - started }, 'review case processed');
    });
  }
  return { pipeline };
}
