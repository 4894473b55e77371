import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { findRepoRoot } from '../../src/config';

/** The built entry points (`npm run build -w api` first; the test script does it). */
const DIST = path.join(findRepoRoot(), 'api', 'dist', 'api', 'src');
export const API_MAIN = path.join(DIST, 'main.js');
export const WORKER_MAIN = path.join(DIST, 'cli', 'worker.js');

/** A built API or worker process, as production runs it. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not left within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash, without a chance to clean up. */
  kill(): Promise<void>;
  /** Sends `signal` to the process's whole process group, as Ctrl-C in a terminal does; resolves with its exit code once it has left. */
  signalGroup(signal: NodeJS.Signals): Promise<number | null>;
}

export interface ApiProcess extends ServiceProcess {
  /** host:port it listens on. */
  address: string;
  url: string;
}

/** Whether a process with this pid is running (or a zombie not yet reaped). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

function run(main: string, env: Record<string, string>): ServiceProcess {
  // The leader of a process group of its own, as a service started from a terminal is (see signalGroup).
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return {
    child,
    output: () => output,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited(child);
      clearTimeout(force);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    signalGroup: async (signal) => {
      process.kill(-child.pid!, signal);
      await exited(child);
      return child.exitCode;
    },
  };
}

/**
 * The environment of an API process serving beside a test server: the same database, data folder and
 * secret, no demo data, the built-in review provider and no worker of its own; `env` adds or overrides.
 */
export function apiBeside(server: { databaseUrl: string; config: { dataDir: string; appSecret: string } }, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: server.databaseUrl,
    DATA_DIR: server.config.dataDir,
    APP_SECRET: server.config.appSecret,
    SEED_DEMO_DATA: 'false',
    AI_PROVIDER: 'rules',
    OPENAI_API_KEY: '',
    RUN_WORKER: 'false',
    ...env,
  };
}

/** Starts `main.js` on a port of its choosing (API_PORT=0) and resolves once it logs that it listens. */
export async function startApiProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ApiProcess> {
  const service = run(API_MAIN, { API_HOST: '127.0.0.1', API_PORT: '0', LOG_LEVEL: 'info', ...env });
  const deadline = Date.now() + timeoutMs;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /"port":(\d+),"database":"\w+","msg":"Greenlight API listening"/.exec(service.output());
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        void service.kill();
        reject(new Error(`the API did not start within ${timeoutMs / 1000} s:\n${service.output()}`));
      }
    }, 100);
    service.child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the API exited with ${code}:\n${service.output()}`));
    });
  });
  return { ...service, address: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` };
}

/** Starts the job worker (`worker.js`); it works queues until stopped. */
export function startWorkerProcess(env: Record<string, string>): ServiceProcess {
  return run(WORKER_MAIN, { LOG_LEVEL: 'warn', ...env });
}
