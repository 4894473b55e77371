import type { KvStore, Upload } from '@tus/utils';
import type pg from 'pg';

/**
 * tus upload state (size, offset, metadata) in PostgreSQL, so every API instance and every
 * restart sees the same uploads. The S3 store keeps its own record shape here (`T`).
 */
export class PostgresKvStore<T = Upload> implements KvStore<T> {
  constructor(private readonly pool: pg.Pool) {}

  async get(key: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ value: T }>('select value from tus_upload_state where id = $1', [key]);
    return rows[0]?.value;
  }

  async set(key: string, value: T): Promise<void> {
    await this.pool.query(
      `insert into tus_upload_state (id, value, updated_at) values ($1, $2, now())
       on conflict (id) do update set value = excluded.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  async delete(key: string): Promise<void> {
    await this.pool.query('delete from tus_upload_state where id = $1', [key]);
  }

  async list(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('select id from tus_upload_state order by id');
    return rows.map((r) => r.id);
  }
}
