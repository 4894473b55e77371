import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrate, openOrm } from './db/orm';
import { createLogger } from './logger';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, databaseIsEmpty, readDemoPartnerKey, seedDemoData } from './seed/demo';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  const orm = await openOrm(db.url, { logger: (message: string) => logger.info({ component: 'orm' }, message) });
  const applied = await migrate(orm);
  if (applied.length) logger.info({ applied }, 'applied database migrations');

  const em = orm.em.fork();
  let seededNow = false;
  if (config.seedDemoData && !config.isProduction && (await databaseIsEmpty(em))) {
    seededNow = (await seedDemoData(em, { appSecret: config.appSecret, dataDir: config.dataDir })).created;
  }

  const app = await createApp({ orm, config, logger, databaseUrl: db.url, runWorker: config.review.runWorkerInApi });
  await app.uploads.resumeUnprocessed();
  const cleanup = setInterval(() => {
    app.uploads.cleanUpExpired().catch((err) => logger.error({ err }, 'cleaning up abandoned uploads failed'));
    app.services.licenseDocuments
      .sweepUnfinished(orm.em.fork())
      .then((swept) => swept && logger.info({ swept }, 'cleared license document attaches that never finished'))
      .catch((err) => logger.error({ err }, 'clearing unfinished license document attaches failed'));
  }, config.uploads.cleanupIntervalMs);
  cleanup.unref();
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(config.apiPort, config.apiHost, resolve);
  });
  const port = (app.server.address() as AddressInfo).port;
  logger.info({ port, database: config.databaseUrl ? 'external' : 'embedded' }, 'Greenlight API listening');
  printBanner(config, port, seededNow);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(cleanup);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await app.stop().catch((err) => logger.error({ err }, 'error while stopping HTTP server'));
    await orm.close().catch((err) => logger.error({ err }, 'error while closing database pool'));
    await db.stop().catch((err) => logger.error({ err }, 'error while stopping embedded PostgreSQL'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Human-readable start-up summary; the JSON logs carry the same facts for machines. */
function printBanner(config: ReturnType<typeof loadConfig>, port: number, seededNow: boolean): void {
  if (config.isProduction) return;
  const key = readDemoPartnerKey(config.dataDir);
  const lines = [
    '',
    '  Greenlight is running',
    `    Dashboard      ${config.publicWebUrl}`,
    `    GraphQL API    http://localhost:${port}/graphql`,
    `    Data           ${config.dataDir}${config.databaseUrl ? ' (database: DATABASE_URL)' : ' (embedded PostgreSQL on port ' + config.embeddedPgPort + ')'}`,
    '',
    `  Demo sign-ins (password for all: ${DEMO_PASSWORD})${seededNow ? ' — just created' : ''}`,
    ...DEMO_ACCOUNTS.map((a) => `    ${a.role.padEnd(14)} ${a.email}`),
    '',
    key ? `  Demo partner API key   ${key}` : '  Demo partner API key   (not on this machine; run npm run db:seed on an empty database)',
    key ? `    try: curl -s http://localhost:${port}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${key}' -d '{"query":"{ viewer { kind organizations { name kind } } }"}'` : '',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  const message = error instanceof ConfigError ? error.message : (error as Error)?.stack ?? String(error);
  process.stderr.write(`Greenlight API failed to start: ${message}\n`);
  process.exit(1);
});
