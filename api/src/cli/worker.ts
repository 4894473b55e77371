import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { openOrm } from '../db/orm';
import { startQueue } from '../jobs/queue';
import { reviewLoops, startWorkers } from '../jobs/workers';
import { followPublication } from '../jobs/publication-follower';
import { createLogger } from '../logger';
import { createServices } from '../services';
import { createMediaStorage } from '../uploads/media-storage';

/**
 * `npm run worker`: works the job queue on its own. With the embedded database it waits for the
 * API (which owns that database) to start it.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const db = await waitFor(() => openDatabase(config, logger, 'attach'), logger);
  const orm = await waitFor(async () => {
    // Each screening reads some of its material side by side, beside the publication follower's work.
    const o = await openOrm(db.url, { logger: (message: string) => logger.debug({ component: 'orm' }, message), pool: { min: 0, max: Math.max(10, 2 * reviewLoops(config.review.concurrency) + 4) } });
    if ((await o.getMigrator().getPendingMigrations()).length) {
      await o.close();
      throw new Error('migrations pending');
    }
    return o;
  }, logger);
  const storage = createMediaStorage(config);
  // A connection for each screening loop's fetch and completion, and a few for the other queues' loops and maintenance.
  const boss = await startQueue(db.url, logger, config, { supervise: true, connections: reviewLoops(config.review.concurrency) + 5 });
  const services = createServices(config, orm.em.getConnection().getKnex(), storage, () => boss, { orm, logger });
  const workers = await startWorkers({ orm, config, logger, storage, services, boss, databaseUrl: db.url });
  const publication = followPublication({ orm, databaseUrl: db.url, publication: services.publication, logger, pollSeconds: config.publishing.pollSeconds });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing or returning jobs in flight');
    const force = setTimeout(() => process.exit(1), 40_000);
    force.unref();
    await publication.stop();
    await workers.stop();
    await boss.stop({ timeout: 30_000 }).catch((err) => logger.error({ err }, 'error while stopping the queue'));
    await orm.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function waitFor<T>(attempt: () => Promise<T>, logger: ReturnType<typeof createLogger>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (i % 10 === 0) logger.info({ reason: (error as Error).message }, 'waiting for the database');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

run().catch((error) => {
  process.stderr.write(`Greenlight worker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
