import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../src/db/entities';
import { TestServer } from './support/server';

/**
 * The ORM's entities and the migrations describe one schema: every table the migrations make is an
 * entity (or one of the few tables kept by SQL alone, listed here), and for the tables below a schema
 * diff (`npm run db:diff -w api`) proposes nothing — it would not drop or alter them.
 */
/** Tables written only by SQL of their own (triggers, the tus state store, rate-limit counters). */
const SQL_ONLY_TABLES = ['mikro_orm_migrations', 'publication_mark', 'publication_schedule', 'rate_limit', 'tus_upload_state'];
/** Tables whose entities match the migrations exactly. */
const EXACT_TABLES = ['media_fingerprint', 'fingerprint_frame', 'content_match', 'licensed_media_reuse', 'license_document'];

let server: TestServer;
let diff: string;
beforeAll(async () => {
  server = await TestServer.start();
  diff = await server.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
}, 60_000);
afterAll(() => server?.stop());

describe('entities and migrations', () => {
  it('every table the migrations make has an entity, or is listed as kept by SQL alone', async () => {
    const rows = (await server.orm.em.getConnection().execute(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as Array<{ table_name: string }>;
    const entityTables = new Set(entities.map((e) => server.orm.getMetadata().get(e.name).tableName));
    const missing = rows.map((r) => r.table_name).filter((t) => !entityTables.has(t) && !SQL_ONLY_TABLES.includes(t));
    expect(missing).toEqual([]);
  });

  for (const table of EXACT_TABLES) {
    it(`a schema diff leaves ${table} as the migrations made it`, () => {
      const touching = diff.split(/;\s*\n/).filter((statement) => new RegExp(`"${table}"`).test(statement));
      expect(touching).toEqual([]);
    });
  }
});
