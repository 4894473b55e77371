import type { KvStore, Upload } from '@tus/utils';
import type pg from 'pg';

/** How many upload states one process remembers (see `remember`); the oldest are forgotten first. */
const REMEMBERED_STATES = 10_000;

/**
 * tus upload state (size, offset, metadata) in PostgreSQL, so every API instance and every
 * restart sees the same uploads. The S3 store keeps its own record shape here (`T`).
 *
 * With `remember`, values this process wrote or read are kept in memory and `get` answers from there,
 * saving a statement on every request of an upload. Only for stores whose values never change after
 * creation: FileStore writes an upload's state once (its offset is the file's size, and a deferred
 * length, the one later change, is refused at creation), so another instance can never have changed
 * it; an upload removed elsewhere is still refused, by its row and its missing file.
 */
export class PostgresKvStore<T = Upload> implements KvStore<T> {
  private readonly remembered = new Map<string, T>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { remember?: boolean } = {},
  ) {}

  async get(key: string): Promise<T | undefined> {
    const known = this.remembered.get(key);
    if (known !== undefined) return structuredClone(known);
    const { rows } = await this.pool.query<{ value: T }>('select value from tus_upload_state where id = $1', [key]);
    if (rows[0]) this.remember(key, rows[0].value);
    return rows[0]?.value;
  }

  async set(key: string, value: T): Promise<void> {
    this.remembered.delete(key);
    await this.pool.query(
      `insert into tus_upload_state (id, value, updated_at) values ($1, $2, now())
       on conflict (id) do update set value = excluded.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
    // As stored (JSON), so a remembered value reads exactly like one read back.
    this.remember(key, JSON.parse(JSON.stringify(value)) as T);
  }

  async delete(key: string): Promise<void> {
    this.remembered.delete(key);
    await this.pool.query('delete from tus_upload_state where id = $1', [key]);
  }

  /** Drops what this process remembers of `key` (the next `get` reads the database); true if it held it. */
  forget(key: string): boolean {
    return this.remembered.delete(key);
  }

  async list(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('select id from tus_upload_state order by id');
    return rows.map((r) => r.id);
  }

  private remember(key: string, value: T): void {
    if (!this.options.remember) return;
    this.remembered.set(key, value);
    if (this.remembered.size > REMEMBERED_STATES) this.remembered.delete(this.remembered.keys().next().value!);
  }
}
