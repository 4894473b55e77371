import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { migrate, openOrm } from '../db/orm';
import { createLogger } from '../logger';

/**
 * `npm run db:diff -w api`: prints the SQL that would bring a freshly migrated database in line
 * with the entities — the starting point for a new migration file (then hand-checked).
 */
async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-diff-'));
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: 54000 + Math.floor(Math.random() * 900), logger: createLogger('warn'), settings: { fsync: 'off' } });
  const orm = await openOrm(db.url, { logger: () => {} });
  try {
    await migrate(orm);
    const sql = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    process.stdout.write(sql.trim() ? sql : '-- the migrations already match the entities\n');
  } finally {
    await orm.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

run().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
