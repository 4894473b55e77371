import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrate, openOrm } from '../db/orm';
import { createLogger } from '../logger';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
async function run(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger, 'reuse');
  const orm = await openOrm(db.url, { logger: (message: string) => logger.info({ component: 'orm' }, message) });
  try {
    const applied = await migrate(orm);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  } finally {
    await orm.close();
    await db.stop();
  }
}

run().catch((error) => {
  process.stderr.write(`Migration failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
