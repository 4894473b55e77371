import type { MikroORM } from '@mikro-orm/postgresql';
import type PgBoss from 'pg-boss';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createReviewProvider } from '../modules/review/providers';
import { ReviewPipeline } from '../modules/review/review-pipeline';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';
import pg from 'pg';
import { queueReviewJob, REVIEW_DEAD_LETTER, REVIEW_QUEUE, REVIEW_QUEUED_CHANNEL, SUBTITLE_TRANSLATION_DEAD_LETTER, SUBTITLE_TRANSLATION_QUEUE, WEBHOOK_QUEUE } from './queue';

/**
 * The background work: review screening (`concurrency` at once) and webhook deliveries. (Partner
 * visibility is followed by `followPublication`, which every API and worker process runs.)
 * A job that throws is retried by pg-boss with backoff; a job whose worker died is retried after
 * it expires, and a screening whose worker died is taken over once its lease lapses (see
 * ReviewPipeline). Each handler is safe to run twice.
 */
export async function startWorkers(deps: { orm: MikroORM; config: Config; logger: Logger; storage: MediaStorage; services: Services; boss: PgBoss; databaseUrl: string }): Promise<{ pipeline: ReviewPipeline; stop(): Promise<void> }> {
  const { config, logger, boss, services } = deps;
  const provider = createReviewProvider(config);
  const pipeline = new ReviewPipeline(deps.orm, config, logger, deps.storage, provider, services.reviews, services.audit, services.fingerprints);
  logger.info({ provider: provider.name, model: provider.model, concurrency: config.review.concurrency }, 'review worker started');
  // Jobs are picked up without waiting for a poll: a worker that finished one asks for the next at
  // once, and idle workers are woken by the NOTIFY queueReviewJob sends. Polling stays as the backstop
  // (retries coming due, a lost notification).
  // More loops than provider requests in flight (ReviewPipeline holds those to `concurrency`): while
  // a case is claimed, read, checked or recorded, or its next call is written, other cases' requests
  // keep the provider busy.
  const reviewWorkers: string[] = [];
  for (let i = 0; i < reviewLoops(config.review.concurrency); i++) {
    const id: string = await boss.work<{ caseId: string }>(REVIEW_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
      if (!job) return;
      const started = Date.now();
      try {
        // On the job's last try a failure sends the case to humans instead of throwing.
        const outcome = await pipeline.run(job.data.caseId, { lastTry: job.retryCount >= job.retryLimit });
        logger.info({ caseId: job.data.caseId, outcome, ms: Date.now() - started }, 'review case processed');
      } finally {
        boss.notifyWorker(id);
      }
    });
    reviewWorkers.push(id);
  }
  const wake = wakeOnNotify(deps.databaseUrl, REVIEW_QUEUED_CHANNEL, () => reviewWorkers.forEach((id) => boss.notifyWorker(id)), logger);

  // The backstop: a review job that failed every retry (or expired on its last) sends its case to humans.
  await boss.work<{ caseId: string }>(REVIEW_DEAD_LETTER, { batchSize: 1, pollingIntervalSeconds: 2, includeMetadata: true }, async ([job]) => {
    if (!job?.data?.caseId) return;
    const output = job.output as { message?: string; value?: { message?: string } } | undefined;
    const why = output?.message ?? output?.value?.message ?? 'the screening job failed every retry';
    logger.error({ caseId: job.data.caseId, why }, 'review job dead-lettered');
    await pipeline.routeToHumans(job.data.caseId, `Screening failed after every retry: ${String(why).slice(0, 300)}`);
  });
  // Takes over cases whose screening worker died (lapsed lease) and ends over-long screenings. Every
  // worker sweeps; the sweep is safe to run concurrently (row locks, SKIP LOCKED).
  const sweep = async () => {
    try {
      const swept = await pipeline.sweep(async (tx, caseId) => {
        await queueReviewJob(boss, tx, caseId);
      });
      if (swept.requeued || swept.routed) logger.warn(swept, 'screening sweep took over or ended cases');
    } catch (err) {
      logger.error({ err }, 'screening sweep failed');
    }
  };
  const sweeper = setInterval(() => void sweep(), Math.min(30_000, Math.max(500, Math.floor(config.review.screeningLeaseMs / 2))));
  sweeper.unref();
  boss.once('stopped', () => clearInterval(sweeper));
  void sweep();
  for (let i = 0; i < 2; i++) {
    await boss.work<{ deliveryId: string; manual?: boolean }>(WEBHOOK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]) => {
      if (!job) return;
      const isLast = job.data.manual === true || job.retryCount >= job.retryLimit;
      await services.webhooks.deliver(deps.orm.em.fork(), job.data.deliveryId, { isLast }, logger);
    });
  }
  await boss.work<{ translationId: string }>(SUBTITLE_TRANSLATION_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return;
    const state = await services.subtitleTranslations.run(deps.orm.em, job.data.translationId, logger);
    logger.info({ translationId: job.data.translationId, state }, 'subtitle translation processed');
  });
  // The backstop: a translation whose job never finished on any retry (its worker died each time).
  await boss.work<{ translationId: string }>(SUBTITLE_TRANSLATION_DEAD_LETTER, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job?.data?.translationId) return;
    await services.subtitleTranslations.giveUp(deps.orm.em, job.data.translationId, logger);
  });
  // The classifier threads end once the queue has stopped, after the jobs in flight have finished.
  boss.once('stopped', () => void provider.close?.());
  // Before the queue stops, so the listening connection is never cut by the database going away.
  return { pipeline, stop: () => wake.stop() };
}

/**
 * Screening loops for `concurrency` provider requests in flight: half as many again (at least one
 * more), so the work around the requests (a third of a case's time or less against a 200 ms
 * provider) overlaps other cases' requests.
 */
export function reviewLoops(concurrency: number): number {
  return concurrency + Math.ceil(concurrency / 2);
}

/** LISTENs on `channel` and calls `onNotify` for each notification; reconnects after a lost connection. */
function wakeOnNotify(databaseUrl: string, channel: string, onNotify: () => void, logger: Logger): { stop(): Promise<void> } {
  let client: pg.Client | null = null;
  let stopped = false;
  const listen = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', onNotify);
    c.on('error', (err) => {
      logger.warn({ err }, `${channel} listener lost its connection; reconnecting (polling covers the gap)`);
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      setTimeout(() => void listen(), 1000).unref();
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      if (stopped) await c.end();
      else client = c;
    } catch (err) {
      logger.warn({ err }, `${channel} listener could not connect; retrying`);
      void c.end().catch(() => undefined);
      setTimeout(() => void listen(), 1000).unref();
    }
  };
  void listen();
  return {
    async stop() {
      stopped = true;
      await client?.end().catch(() => undefined);
    },
  };
}
