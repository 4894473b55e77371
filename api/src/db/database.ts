import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';

/** DATABASE_URL when set; otherwise the embedded server with its data in `<DATA_DIR>/postgres`. */
export async function openDatabase(config: Config, logger: Logger, mode: 'own' | 'reuse' | 'attach' = 'own'): Promise<EmbeddedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => {} };
  return startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPgPort,
    portSetting: 'EMBEDDED_PG_PORT',
    logger,
    mode,
  });
}
