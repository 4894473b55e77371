import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/core';
import { migrationsList } from '../../../migrations';
import { entities } from './entities';

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
    ...overrides,
  });
}

export async function openOrm(clientUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, overrides));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
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
