import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrate, openOrm } from './db/orm';
import { isAddressInUse, PortInUseError, portInUse } from './http/port-in-use';
import { createLogger } from './logger';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, databaseIsEmpty, readDemoPartnerKey, seedDemoData } from './seed/demo';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  // What has started so far, stopped in reverse order by a signal or a failed start: the embedded
  // database last, once nothing uses it.
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  let orm: Awaited<ReturnType<typeof openOrm>> | undefined;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let cleanup: NodeJS.Timeout | undefined;
  const stopStarted = async () => {
    clearInterval(cleanup);
    await app?.stop().catch((err) => logger.error({ err }, 'error while stopping HTTP server'));
    await orm?.close().catch((err) => logger.error({ err }, 'error while closing database pool'));
    await db?.stop().catch((err) => logger.error({ err }, 'error while stopping embedded PostgreSQL'));
  };

  // A signal during start-up (Ctrl-C, or `npm start` stopping everything because the dashboard could
  // not start) is acted on between steps, so a database being started is stopped, not orphaned.
  let signalled: string | undefined;
  let listening = false;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await stopStarted();
    logger.info('stopped');
    process.exit(0);
  };
  const onSignal = (signal: string) => {
    if (listening) void shutdown(signal);
    else signalled ??= signal;
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const step = async <T>(work: () => Promise<T>): Promise<T> => {
    const value = await work();
    if (signalled) {
      await shutdown(signalled);
      // shutdown exits the process; nothing after it runs.
    }
    return value;
  };

  try {
    // A port another program holds is found before the database starts, so nothing attaches to a database about to stop.
    if (config.apiPort && (await portInUse(config.apiPort, config.apiHost))) throw new PortInUseError(config.apiPort, 'the API', 'API_PORT');
    // Each step records what it started before a signal is acted on, so the shutdown stops it too.
    const opened = await step(async () => (db = await openDatabase(config, logger)));
    const url = opened.url;
    const ready = await step(async () => (orm = await openOrm(url, { logger: (message: string) => logger.info({ component: 'orm' }, message) })));
    const applied = await step(() => migrate(ready));
    if (applied.length) logger.info({ applied }, 'applied database migrations');

    const em = ready.em.fork();
    let seededNow = false;
    if (config.seedDemoData && !config.isProduction && (await databaseIsEmpty(em))) {
      seededNow = (await step(() => seedDemoData(em, { appSecret: config.appSecret, dataDir: config.dataDir }))).created;
    }

    const started = await step(async () => (app = await createApp({ orm: ready, config, logger, databaseUrl: url, runWorker: config.review.runWorkerInApi })));
    cleanup = setInterval(() => {
      started.uploads.cleanUpExpired().catch((err) => logger.error({ err }, 'cleaning up abandoned uploads failed'));
      started.services.licenseDocuments
        .sweepUnfinished(ready.em.fork())
        .then((swept) => swept && logger.info({ swept }, 'cleared license document attaches that never finished'))
        .catch((err) => logger.error({ err }, 'clearing unfinished license document attaches failed'));
    }, config.uploads.cleanupIntervalMs);
    cleanup.unref();
    await step(
      () =>
        new Promise<void>((resolve, reject) => {
          started.server.once('error', (error) => reject(isAddressInUse(error) ? new PortInUseError(config.apiPort, 'the API', 'API_PORT') : error));
          started.server.listen(config.apiPort, config.apiHost, resolve);
        }),
    );
    listening = true;
    // Uploads a stopped process left complete or mid-processing are processed once this one serves:
    // each takes seconds to minutes (hashing, probing, fingerprinting), and a restart must not keep
    // every other request waiting for them. Claims keep the processes that start together apart.
    started.uploads
      .resumeUnprocessed()
      .then(() => logger.info('uploads left by stopped processes are seen to'))
      .catch((err) => logger.error({ err }, 'resuming unprocessed uploads failed'));
    const port = (started.server.address() as AddressInfo).port;
    logger.info({ port, database: config.databaseUrl ? 'external' : 'embedded' }, 'Greenlight API listening');
    printBanner(config, port, seededNow);
  } catch (error) {
    // Nothing listens: stop what did start (the job queue, the pool, the embedded database) before saying why.
    await stopStarted();
    throw error;
  }
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
  const message = error instanceof ConfigError || error instanceof PortInUseError ? error.message : (error as Error)?.stack ?? String(error);
  process.stderr.write(`Greenlight API failed to start: ${message}\n`);
  process.exit(1);
});
