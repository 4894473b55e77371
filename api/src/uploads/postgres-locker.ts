import { createHash } from 'node:crypto';
import type { Lock, Locker, RequestRelease } from '@tus/utils';
import { ERRORS } from '@tus/utils';
import pg from 'pg';

const RELEASE_CHANNEL = 'greenlight_upload_lock_release';
/** How a lock session names itself to PostgreSQL (`pg_stat_activity.application_name`). */
export const LOCK_SESSION_NAME = 'greenlight upload locks';

/** Two int4 keys for pg_advisory_lock, from the upload id. */
function lockKeys(id: string): [number, number] {
  const digest = createHash('sha256').update(`upload:${id}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/** One upload's lock as this process holds it (or is taking it). */
interface Holding {
  /** Asks the request holding it to let go (the tus library's release request); unset while taken ahead. */
  requestRelease?: RequestRelease;
  /** The lock session the advisory lock is held on, once taken. */
  session?: pg.Client;
  /** Stops the holder's writing at once (its lock is lost); unset for a holder that writes nothing. */
  halt?: () => void;
}

/**
 * Upload locks shared by every API process through PostgreSQL advisory locks, all held on one
 * connection per process, its lock session. A request writing an upload holds no pooled connection,
 * so any number of PATCHes in flight (stalled ones too) leave the upload pool to everyone's short
 * statements. A session's advisory locks are re-entrant, so PostgreSQL cannot tell two requests of one
 * process apart: which uploads this process holds is kept here, and a second request for one waits as
 * for another process.
 *
 * A crashed process releases its locks with its session. A session lost while the process lives
 * (PostgreSQL restarted) released them too: every holder is asked to let go, as it would be by another
 * process, and the next lock opens a new session. When a request finds the upload locked (a client
 * resuming after a network drop while its old request still holds it), the holder is asked to let go:
 * directly in this process, by NOTIFY in another (the session LISTENs for those).
 */
export class PostgresLocker implements Locker {
  /** The uploads this process holds or is taking, each at most once. */
  private readonly holdings = new Map<string, Holding>();
  private session?: Promise<pg.Client>;
  private stopped = false;

  constructor(
    private readonly connectionString: string,
    /** Told when a session is lost, with how many locks it held (their holders were stopped). */
    private readonly onLost: (locksHeld: number) => void = () => undefined,
    readonly acquireTimeoutMs = 30_000,
  ) {}

  /** Opens the lock session, so a database that cannot be reached is found at start-up. */
  async start(): Promise<void> {
    await this.connected();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const session = await this.session?.catch(() => undefined);
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }

  newLock(id: string): Lock {
    return new PostgresLock(id, this);
  }

  /**
   * The locks of one request: `halt` stops its writing at once should its lock be lost (see `lost`),
   * and the lock of `ahead.id`, when given, is the one already taken for it.
   */
  forRequest(request: { halt?: () => void; ahead?: LockTakenAhead }): Locker {
    return { newLock: (id: string) => new PostgresLock(id, this, id === request.ahead?.id ? request.ahead : undefined, request.halt) };
  }

  /**
   * Tries once, without waiting and without asking a holder to let go, to take the lock of upload
   * `id` ahead of the request's own `lock` (taken while other checks of the request run). Undefined
   * when it is held elsewhere (or the attempt failed): the request then locks the usual way.
   */
  async takeAhead(id: string): Promise<LockTakenAhead | undefined> {
    const holding: Holding = {};
    return (await this.tryTake(id, holding)) ? new LockTakenAhead(id, holding, this) : undefined;
  }

  /** Takes upload `id`'s lock for `holding` if no request holds it, in this process or another. */
  async tryTake(id: string, holding: Holding): Promise<boolean> {
    if (this.holdings.has(id)) return false;
    // Marked before the statement, so no other request of this process tries meanwhile.
    this.holdings.set(id, holding);
    try {
      const session = await this.connected();
      const [k1, k2] = lockKeys(id);
      const { rows } = await session.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [k1, k2]);
      if (rows[0]!.ok) {
        holding.session = session;
        return true;
      }
    } catch {
      // No session: as if held elsewhere; the caller waits and tries again, or gives up at its deadline.
    }
    if (this.holdings.get(id) === holding) this.holdings.delete(id);
    return false;
  }

  /**
   * Asks whoever holds upload `id` to let go: the request in this process, or by NOTIFY the one in
   * another. False when it could not be asked yet (a lock taken ahead, not yet its request's).
   */
  async askToLetGo(id: string): Promise<boolean> {
    const here = this.holdings.get(id);
    if (here) {
      if (!here.requestRelease) return false;
      await here.requestRelease();
      return true;
    }
    const session = await this.connected().catch(() => undefined);
    await session?.query('select pg_notify($1, $2)', [RELEASE_CHANNEL, id]).catch(() => undefined);
    return true;
  }

  /**
   * Lets go of upload `id`'s lock held by `holding`. The unlock is queued on the session before the
   * holding is forgotten, so this process's next attempt at the lock reaches PostgreSQL after it; the
   * request's answer is not held back a round trip for it. A session that cannot unlock is closed:
   * closing it is what guarantees the lock is gone.
   */
  release(id: string, holding: Holding): void {
    if (this.holdings.get(id) !== holding) return;
    const session = holding.session;
    holding.session = undefined;
    if (session) {
      const [k1, k2] = lockKeys(id);
      session.query('select pg_advisory_unlock($1, $2)', [k1, k2]).catch(() => session.end().catch(() => undefined));
    }
    this.holdings.delete(id);
  }

  /** The lock session, opened (again) on first use after a loss. */
  private connected(): Promise<pg.Client> {
    if (this.stopped) return Promise.reject(new Error('the upload locks are stopped'));
    if (!this.session) {
      const opening = this.open();
      this.session = opening;
      opening.catch(() => {
        if (this.session === opening) this.session = undefined;
      });
    }
    return this.session;
  }

  private async open(): Promise<pg.Client> {
    const session = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 10_000, application_name: LOCK_SESSION_NAME });
    session.on('notification', (message) => {
      if (message.channel === RELEASE_CHANNEL && message.payload) void this.holdings.get(message.payload)?.requestRelease?.();
    });
    // Only a session that was open can be lost (once: its 'error' is followed by its 'end'); one
    // that fails to open is handled below.
    let open = false;
    const lost = () => {
      if (!open) return;
      open = false;
      this.lost(session);
    };
    session.on('error', lost);
    session.on('end', lost);
    try {
      await session.connect();
      await session.query(`listen ${RELEASE_CHANNEL}`);
      open = true;
      return session;
    } catch (error) {
      await session.end().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The session is gone, and every lock it held with it: another process may take them at once. Their
   * holders stop writing now (`halt`), not after the library's drain, and are asked to let go.
   */
  private lost(session: pg.Client): void {
    const opening = this.session;
    // A session that failed to open rejects; that was handled where it was opened.
    opening?.then(
      (current) => {
        if (current === session && this.session === opening) this.session = undefined;
      },
      () => undefined,
    );
    let held = 0;
    for (const holding of this.holdings.values()) {
      if (holding.session !== session) continue;
      held++;
      holding.session = undefined;
      holding.halt?.();
      void holding.requestRelease?.();
    }
    if (!this.stopped) this.onLost(held);
  }
}

/** An upload's advisory lock taken before the tus library asked for it: adopted by its `lock`, or released. */
export class LockTakenAhead {
  private holding?: Holding;

  constructor(
    readonly id: string,
    holding: Holding,
    private readonly locker: PostgresLocker,
  ) {
    this.holding = holding;
  }

  /** The holding, for the lock that adopts it; undefined once adopted or released. */
  adopt(): Holding | undefined {
    const holding = this.holding;
    this.holding = undefined;
    return holding;
  }

  /** Lets go of the lock unless a request's lock adopted it. */
  release(): void {
    const holding = this.adopt();
    if (holding) this.locker.release(this.id, holding);
  }
}

class PostgresLock implements Lock {
  private holding?: Holding;

  constructor(
    private readonly id: string,
    private readonly locker: PostgresLocker,
    private readonly ahead?: LockTakenAhead,
    private readonly halt?: () => void,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const taken = this.ahead?.adopt();
    // Unless its session was lost meanwhile, the lock taken ahead is this request's.
    if (taken?.session) {
      taken.requestRelease = requestRelease;
      taken.halt = this.halt;
      this.holding = taken;
      return;
    }
    if (taken) this.locker.release(this.id, taken);
    const holding: Holding = { requestRelease, halt: this.halt };
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    let asked = false;
    for (;;) {
      if (await this.locker.tryTake(this.id, holding)) {
        this.holding = holding;
        return;
      }
      if (!asked) asked = await this.locker.askToLetGo(this.id);
      if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async unlock(): Promise<void> {
    const holding = this.holding;
    if (!holding) throw new Error('Releasing an unlocked lock!');
    this.holding = undefined;
    this.locker.release(this.id, holding);
  }
}
