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

  /**
   * Tries once, without waiting and without asking a holder to let go, to take the lock of upload
   * `id` ahead of the request's own `lock` (taken while other checks of the request run). Undefined
   * when it is held elsewhere (or the attempt failed): the request then locks the usual way.
   */
  async takeAhead(id: string): Promise<LockTakenAhead | undefined> {
    const [k1, k2] = lockKeys(id);
    const client = await this.pool.connect().catch(() => undefined);
    if (!client) return undefined;
    try {
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [k1, k2]);
      if (rows[0]!.ok) return new LockTakenAhead(id, client);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
    return undefined;
  }

  /** This locker, except that the lock of `ahead.id` is the one already taken. */
  withLockTakenAhead(ahead: LockTakenAhead): Locker {
    return { newLock: (id: string) => new PostgresLock(id, this, id === ahead.id ? ahead : undefined) };
  }
}

/** An upload's advisory lock taken before the tus library asked for it: adopted by its `lock`, or released. */
export class LockTakenAhead {
  constructor(
    readonly id: string,
    private client?: pg.PoolClient,
  ) {}

  /** The connection holding the lock, for the lock that adopts it; undefined once adopted or released. */
  adopt(): pg.PoolClient | undefined {
    const client = this.client;
    this.client = undefined;
    return client;
  }

  /** Lets go of the lock unless a request's lock adopted it. */
  async release(): Promise<void> {
    const client = this.adopt();
    if (client) await unlockOn(client, this.id);
  }
}

/** Releases upload `id`'s lock held on `client` and returns the connection to its pool. */
async function unlockOn(client: pg.PoolClient, id: string): Promise<void> {
  const [k1, k2] = lockKeys(id);
  try {
    await client.query('select pg_advisory_unlock($1, $2)', [k1, k2]);
    client.release();
  } catch (error) {
    // Drop the connection: closing it is what guarantees the lock is gone.
    client.release(error as Error);
  }
}

class PostgresLock implements Lock {
  private client?: pg.PoolClient;

  constructor(
    private readonly id: string,
    private readonly locker: PostgresLocker,
    private readonly ahead?: LockTakenAhead,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const taken = this.ahead?.adopt();
    if (taken) {
      this.client = taken;
      this.locker.held.set(this.id, requestRelease);
      return;
    }
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

  /**
   * Sends the unlock without waiting for its answer: the request's answer is not held back a round
   * trip for it. The unlock is on the lock's connection before the answer leaves, so a client's next
   * request finds the lock free (its own statements reach PostgreSQL after a round trip of the client's);
   * if it ever came first, it waits for the lock as for any holder. A failed unlock closes the
   * connection, which is what frees the lock.
   */
  async unlock(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Releasing an unlocked lock!');
    this.client = undefined;
    if (this.locker.held.get(this.id)) this.locker.held.delete(this.id);
    void unlockOn(client, this.id);
  }
}
