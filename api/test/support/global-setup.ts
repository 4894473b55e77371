import 'reflect-metadata';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { findRepoRoot } from '../../src/config';
import { startEmbeddedPostgres, stopLeftoverServer, type EmbeddedDatabase } from '../../src/db/embedded-postgres';
import { migrate, openOrm } from '../../src/db/orm';
import { createLogger } from '../../src/logger';
import { TEMPLATE_DATABASE } from './database';
import { useScratchFolder } from './scratch';

/**
 * One PostgreSQL for the run: TEST_DATABASE_URL (an admin URL of a server you provide) or a throwaway
 * embedded server. A migrated template database is made once; each test file clones it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: EmbeddedDatabase;
  if (process.env.TEST_DATABASE_URL) {
    server = { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  } else {
    const port = Number(process.env.TEST_PG_PORT ?? 54350);
    const dataDir = path.join(findRepoRoot(), '.data', `test-postgres-${port}`);
    await stopLeftoverServer(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    server = await startEmbeddedPostgres({
      dataDir,
      port,
      logger: createLogger('warn'),
      databaseName: 'postgres',
      // Throwaway data: durability off for speed.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
  }
  const adminUrl = new URL(server.url);
  adminUrl.pathname = '/postgres';
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`drop database if exists "${TEMPLATE_DATABASE}"`);
  await admin.query(`create database "${TEMPLATE_DATABASE}"`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  const orm = await openOrm(templateUrl.toString(), { logger: () => {} });
  await migrate(orm);
  await orm.close();
  project.provide('pgAdminUrl', adminUrl.toString());
  const removeScratch = useScratchFolder('greenlight-test-run-');
  return async () => {
    await server.stop();
    removeScratch();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
