import type { EntityManager } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { Config } from '../config';
import type { Logger } from '../logger';

export const REVIEW_QUEUE = 'review-case';
/** Webhook deliveries (the publishing module enqueues them, the worker sends them). */
export const WEBHOOK_QUEUE = 'webhook-delivery';
/** AI translations of subtitle tracks, one job per target language. */
export const SUBTITLE_TRANSLATION_QUEUE = 'subtitle-translation';
/** Translation jobs that failed or expired on every retry (a worker that died each time); the request is marked FAILED. */
export const SUBTITLE_TRANSLATION_DEAD_LETTER = 'subtitle-translation-failed';
/** NOTIFY channel that wakes idle review workers when a screening job is queued (delivered at commit). */
export const REVIEW_QUEUED_CHANNEL = 'review_queued';
/** Review jobs that failed every retry land here; its handler sends the case to humans as AI unavailable. */
export const REVIEW_DEAD_LETTER = 'review-case-failed';
/** The per-minute full re-evaluation of earlier versions; its schedule is removed at start. */
const RETIRED_PUBLICATION_TICK = 'publication-tick';

export interface QueueOptions {
  /** Whether this process runs pg-boss maintenance (expiring lost jobs) and cron schedules; the worker does. */
  supervise: boolean;
  /** Connections pg-boss may hold (5 unless given): a worker fetches and completes jobs on them from each of its job loops. */
  connections?: number;
}

/**
 * pg-boss on the application database. Its tables are created by a migration (migrate: false here),
 * so the schema changes only through migrations.
 */
export async function startQueue(databaseUrl: string, logger: Logger, config: Config, options: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    migrate: false,
    schedule: options.supervise,
    supervise: options.supervise,
    max: options.connections ?? 5,
    maintenanceIntervalSeconds: config.review.maintenanceSeconds,
  });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  const queues: PgBoss.Queue[] = [
    // Created before the queue that names it as its dead letter.
    { name: REVIEW_DEAD_LETTER, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
    { name: REVIEW_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: config.review.jobExpireSeconds, deadLetter: REVIEW_DEAD_LETTER },
    // A job whose worker died is retried after it expires; the handler marks the request failed itself,
    // and one that never finished on any retry is marked failed by its dead letter, so no request
    // stays RUNNING (and blocks its language) forever.
    { name: SUBTITLE_TRANSLATION_DEAD_LETTER, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
    { name: SUBTITLE_TRANSLATION_QUEUE, retryLimit: 2, retryDelay: 5, retryBackoff: true, expireInSeconds: 900, deadLetter: SUBTITLE_TRANSLATION_DEAD_LETTER },
    { name: WEBHOOK_QUEUE, retryLimit: config.webhooks.retryLimit, retryDelay: config.webhooks.retryDelaySeconds, retryBackoff: true, expireInSeconds: 120 },
  ];
  for (const queue of queues) {
    if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
    else await boss.updateQueue(queue.name, queue);
  }
  if (options.supervise && (await boss.getQueue(RETIRED_PUBLICATION_TICK))) {
    await boss.unschedule(RETIRED_PUBLICATION_TICK);
    await boss.deleteQueue(RETIRED_PUBLICATION_TICK);
  }
  return boss;
}

/**
 * A pg-boss database adapter that runs its SQL inside the MikroORM transaction of `em`, so a job is
 * enqueued if and only if the transaction that needs it commits.
 */
export function inTransaction(em: EntityManager): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      // pg-boss writes $1-style parameters; knex (under MikroORM) binds positional `?`.
      if (text.includes('?')) throw new Error('unexpected "?" in job SQL');
      const bindings: unknown[] = [];
      const sql = text.replace(/\$(\d+)/g, (_m, n: string) => {
        bindings.push(values[Number(n) - 1]);
        return '?';
      });
      const rows = await em.getConnection().execute(sql, bindings, 'all', em.getTransactionContext());
      return { rows: rows as unknown[] };
    },
  };
}

/**
 * Queues the screening of a case inside the transaction `tx` (so it exists only if that commits) and
 * wakes the review workers at commit, so they pick it up at once instead of at their next poll.
 * Every review job is queued through here.
 */
export async function queueReviewJob(boss: PgBoss, tx: EntityManager, caseId: string): Promise<void> {
  await boss.send(REVIEW_QUEUE, { caseId }, { db: inTransaction(tx), singletonKey: caseId });
  await tx.getConnection().execute('select pg_notify(?, ?)', [REVIEW_QUEUED_CHANNEL, ''], 'all', tx.getTransactionContext());
}
