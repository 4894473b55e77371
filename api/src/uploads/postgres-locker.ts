import { createHash } from 'node:crypto';
import type { Lock, Locker, RequestRelease } from '@tus/utils';
import { ERRORS } from '@tus/utils';
import pg from 'pg';

const RELEASE_CHANNEL = 'greenlight_upload_lock_release';

/** Two int4 keys for pg_advisory_lock, from the upload id. */
function lockKeys(id: string): [number, number] {
  const digest = createHash('sha256').update(`upload:${id}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/**
 * Upload locks shared by every API process through PostgreSQL advisory locks. A lock lives on one
 * pooled connection, so a crashed process releases it with its connection. When a request finds the
 * upload locked (a client resuming after a network drop while its old request still holds it), the
 * holder is asked to let go: directly in this process, by NOTIFY in another.
 */
export class PostgresLocker implements Locker {
  readonly held = new Map<string, RequestRelease>();
  private listener?: pg.Client;

  constructor(
    readonly pool: pg.Pool,
    readonly acquireTimeoutMs = 30_000,
  ) {}

  /** Listens for release requests from other processes. */
  async start(connectionString: string): Promise<void> {
    this.listener = new pg.Client({ connectionString });
    await this.listener.connect();
    this.listener.on('notification', (message) => {
      if (message.channel === RELEASE_CHANNEL && message.payload) void this.held.get(message.payload)?.();
    });
    // A broken listener only costs the cross-process release hint; locks still work.
    this.listener.on('error', () => undefined);
    await this.listener.query(`listen ${RELEASE_CHANNEL}`);
  }

  async stop(): Promise<void> {
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  newLock(id: string): Lock {
    return new PostgresLock(id, this);
  }
}

class PostgresLock implements Lock {
  private client?: pg.PoolClient;

  constructor(
    private readonly id: string,
    private readonly locker: PostgresLocker,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const [k1, k2] = lockKeys(this.id);
    const client = await this.locker.pool.connect();
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    let asked = false;
    try {
      for (;;) {
        const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [k1, k2]);
        if (rows[0]!.ok) {
          this.client = client;
          this.locker.held.set(this.id, requestRelease);
          return;
        }
        if (!asked) {
          asked = true;
          await this.locker.held.get(this.id)?.();
          await client.query('select pg_notify($1, $2)', [RELEASE_CHANNEL, this.id]);
        }
        if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (error) {
      client.release();
      throw error;
    }
  }

  async unlock(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Releasing an unlocked lock!');
    this.client = undefined;
    if (this.locker.held.get(this.id)) this.locker.held.delete(this.id);
    const [k1, k2] = lockKeys(this.id);
    try {
      await client.query('select pg_advisory_unlock($1, $2)', [k1, k2]);
      client.release();
    } catch (error) {
      // Drop the connection: closing it is what guarantees the lock is gone.
      client.release(error as Error);
    }
  }
}
