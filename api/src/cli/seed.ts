import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrate, openOrm } from '../db/orm';
import { createLogger } from '../logger';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoData } from '../seed/demo';

/** `npm run db:seed`: creates the demo organizations, accounts and partner key if missing. */
async function run(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger, 'reuse');
  const orm = await openOrm(db.url, { logger: (message: string) => logger.info({ component: 'orm' }, message) });
  try {
    await migrate(orm);
    const result = await seedDemoData(orm.em.fork(), { appSecret: config.appSecret, dataDir: config.dataDir });
    process.stdout.write(result.created ? 'Demo data created.\n' : 'Demo data already present; nothing changed.\n');
    process.stdout.write(`Sign in with any of (password ${DEMO_PASSWORD}):\n${DEMO_ACCOUNTS.map((a) => `  ${a.email}`).join('\n')}\n`);
    if (result.partnerApiKey) process.stdout.write(`Demo partner API key: ${result.partnerApiKey}\n`);
  } finally {
    await orm.close();
    await db.stop();
  }
}

run().catch((error) => {
  process.stderr.write(`Seeding failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
