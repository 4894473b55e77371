import type { EntityManager } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { Logger } from '../logger';

export const REVIEW_QUEUE = 'review-case';

export interface QueueOptions {
  /** Seconds a job may run before it counts as lost (its worker died) and is retried. */
  expireInSeconds: number;
  /** How often pg-boss looks for lost jobs. */
  maintenanceIntervalSeconds?: number;
  /** Whether this process runs pg-boss maintenance (expiring lost jobs); the worker does. */
  supervise: boolean;
}

/**
 * pg-boss on the application database. Its tables are created by a migration (migrate: false here),
 * so the schema changes only through migrations.
 */
export async function startQueue(databaseUrl: string, logger: Logger, options: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    migrate: false,
    schedule: false,
    supervise: options.supervise,
    max: 5,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
  });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  if (!(await boss.getQueue(REVIEW_QUEUE))) {
    await boss.createQueue(REVIEW_QUEUE, { name: REVIEW_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: options.expireInSeconds });
  } else {
    await boss.updateQueue(REVIEW_QUEUE, { name: REVIEW_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: options.expireInSeconds });
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
