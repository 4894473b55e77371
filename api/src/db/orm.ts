import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/core';
import { migrationsList } from '../../../migrations';
import { entities } from './entities';
import { refusedText, refusedInput } from '../domain/validation';

// Statements that change data; a `select … for update` only locks.
const WRITE_STATEMENT = /^\s*(insert|update|delete|merge|truncate|alter|create|drop|copy)\b|^\s*with\b[\s\S]*\b(insert\s+into|delete\s+from|update\s+"?\w+"?\s+set)\b/i;

/**
 * A request whose text the input boundary refused runs only to find its other refused fields
 * (`withRefusedText`): whatever it goes on to do, it changes nothing in the database.
 */
function refuseWritesOfRefusedText(sql: string): string {
  const refused = refusedText();
  if (refused.length && WRITE_STATEMENT.test(sql)) throw refusedInput(refused);
  return sql;
}

/** ORM options for a database URL. Entities and migrations are listed explicitly (no folder scans). */
export function ormOptions(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
    debug: false,
    colors: false,
    allowGlobalContext: false,
    onQuery: refuseWritesOfRefusedText,
    ...overrides,
  });
}

export async function openOrm(clientUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, overrides));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  // Several instances may start at once: one migrates while the others wait, then find nothing to do.
  const knex = orm.em.getConnection().getKnex();
  const lock = await knex.client.acquireConnection();
  try {
    await knex.raw('select pg_advisory_lock(hashtext(?))', ['greenlight-migrations']).connection(lock);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await knex.raw('select pg_advisory_unlock(hashtext(?))', ['greenlight-migrations']).connection(lock).catch(() => undefined);
    await knex.client.releaseConnection(lock);
  }
}

/** True when the database answers and no migration is pending (the readiness probe). */
export async function isReady(orm: MikroORM): Promise<{ ready: boolean; reason?: string }> {
  try {
    await orm.em.getConnection().execute('select 1');
  } catch {
    return { ready: false, reason: 'database unreachable' };
  }
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.length ? { ready: false, reason: `${pending.length} migration(s) pending` } : { ready: true };
}
