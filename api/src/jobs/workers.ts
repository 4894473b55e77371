import type { MikroORM } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { WEBHOOK_QUEUE } from '../modules/publishing/publication.service';
import { createReviewProvider } from '../modules/review/providers';
import { ReviewPipeline } from '../modules/review/review-pipeline';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';
import { PUBLICATION_TICK, REVIEW_QUEUE } from './queue';

/**
 * The background work: review screening (`concurrency` at once), webhook deliveries, and the
 * publication tick that puts episodes live at release time and withdraws them when rights end.
 * A job that throws is retried by pg-boss with backoff; a job whose worker died is retried after
 * it expires. Each handler is safe to run twice.
 */
export async function startWorkers(deps: { orm: MikroORM; config: Config; logger: Logger; storage: MediaStorage; services: Services; boss: PgBoss }): Promise<{ pipeline: ReviewPipeline }> {
  const { config, logger, boss, services } = deps;
  const provider = createReviewProvider(config);
  const pipeline = new ReviewPipeline(deps.orm, config, logger, deps.storage, provider, services.reviews, services.audit);
  logger.info({ provider: provider.name, model: provider.model, concurrency: config.review.concurrency }, 'review worker started');
  for (let i = 0; i < config.review.concurrency; i++) {
    await boss.work<{ caseId: string }>(REVIEW_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job) return;
      const started = Date.now();
      const outcome = await pipeline.run(job.data.caseId);
      logger.info({ caseId: job.data.caseId, outcome, ms: Date.now() - started }, 'review case processed');
    });
  }
  for (let i = 0; i < 2; i++) {
    await boss.work<{ deliveryId: string; manual?: boolean }>(WEBHOOK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
      if (!job) return;
      const isLast = job.data.manual === true || job.retryCount >= job.retryLimit;
      await services.webhooks.deliver(deps.orm.em.fork(), job.data.deliveryId, { isLast }, logger);
    });
  }
  await boss.work(PUBLICATION_TICK, { batchSize: 1, pollingIntervalSeconds: 2 }, async () => {
    const events = await services.publication.refreshAll(deps.orm.em.fork());
    if (events) logger.info({ events }, 'publication tick changed partner catalogs');
  });
  await boss.schedule(PUBLICATION_TICK, config.publishing.tickCron);
  return { pipeline };
}
