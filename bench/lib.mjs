// Shared helpers for the benchmarks: start the built API on its own data folder (as a process, or
// in this process on an embedded PostgreSQL), talk GraphQL, and shut everything down in order.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const apiRequire = createRequire(path.join(repo, 'api', 'package.json'));
const dist = (p) => apiRequire(path.join(repo, 'api/dist/api/src', p));

/**
 * Bench databases and servers listen on ports from 55500 up, clear of the ports tests and browser
 * journeys use (54340–54365, 3400–3415, 4400–4415); random within the range so runs can overlap.
 * `BENCH_PORTS=55800-55849` keeps them to a range of your own.
 */
const [portFrom, portTo] = (process.env.BENCH_PORTS ?? '55500-56899').split('-').map(Number);
export const benchPort = () => portFrom + Math.floor(Math.random() * (portTo - portFrom + 1));

/** One line saying what the figures were measured on. */
export const machine = () => `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'cpu'}, load average ${loadavg()[0].toFixed(1)}`;

/**
 * An embedded PostgreSQL (fsync off) with the schema migrated and the demo data seeded, and the
 * API's ORM open on it, in this process. Every pool or client made through `pool()`/`client()` and
 * every app from `startApp()` is closed by `stop()` before the database stops, so no connection
 * is left to be terminated under a live pool.
 */
export async function startDatabase(name, env = {}) {
  apiRequire('reflect-metadata');
  const pg = apiRequire('pg');
  const { loadConfig } = dist('config.js');
  const { createLogger } = dist('logger.js');
  const { startEmbeddedPostgres } = dist('db/embedded-postgres.js');
  const { openOrm, migrate } = dist('db/orm.js');
  const { seedDemoData } = dist('seed/demo.js');
  const dataDir = mkdtempSync(path.join(tmpdir(), `greenlight-bench-${name}-`));
  const logger = createLogger('warn');
  const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: benchPort(), logger, settings: { fsync: 'off' } });
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'warn', PARTNER_RATE_LIMIT_PER_MINUTE: '10000000', ...env });
  const orm = await openOrm(db.url, { logger: () => {} });
  await migrate(orm);
  const seeded = await seedDemoData(orm.em.fork(), { appSecret: config.appSecret, dataDir });
  const closers = [];
  let stopped = false;
  // A run that dies of an error before `stop()` must not leave its server running: the postmaster is
  // told to shut down as this process exits, which needs no waiting.
  process.once('exit', () => {
    if (stopped) return;
    try {
      process.kill(Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGINT');
    } catch {
      // Already gone.
    }
  });
  return {
    url: db.url,
    dataDir,
    config,
    logger,
    orm,
    seeded,
    pool(options = {}) {
      const pool = new pg.Pool({ connectionString: db.url, max: 10, ...options });
      // An idle connection the server drops (say, PostgreSQL stopping) is reported, not an unhandled
      // 'error' event that kills the run after its figures are printed.
      pool.on('error', (err) => console.error(`bench pool: ${err.message}`));
      closers.push(() => pool.end());
      return pool;
    },
    async client() {
      const client = new pg.Client({ connectionString: db.url });
      client.on('error', (err) => console.error(`bench client: ${err.message}`));
      await client.connect();
      closers.push(() => client.end());
      return client;
    },
    /** The API (GraphQL, uploads, follower) on this database, listening on a free loopback port. */
    async startApp(options = {}) {
      const { createApp } = dist('app.js');
      const app = await createApp({ orm, config, logger, databaseUrl: db.url, ...options });
      await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      closers.push(() => app.stop());
      return { app, url: `http://127.0.0.1:${app.server.address().port}` };
    },
    /** Closes whatever the caller registers (servers of its own) along with the rest, first. */
    onStop(close) {
      closers.push(close);
    },
    /** Apps, pools and clients in reverse order of creation, then the ORM, then PostgreSQL. */
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const close of closers.reverse()) await close().catch((err) => console.error(`closing failed: ${err.message}`));
      await orm.close();
      await db.stop();
      // Its uploads and media are gigabytes after some benchmarks: nothing is kept once the figures are printed.
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts `api/dist` on a throwaway embedded PostgreSQL; resolves once it listens. `nodeArgs` go before the script (say, `--cpu-prof`). */
export async function startApi(env = {}, { nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'greenlight-bench-'));
  const pgPort = benchPort();
  const child = spawn(process.execPath, [...nodeArgs, path.join(repo, 'api/dist/api/src/main.js')], {
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, API_PORT: '0', EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const port = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /GraphQL API\s+http:\/\/localhost:(\d+)\/graphql/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`API exited with ${code}:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const clients = [];
  return {
    url,
    pid: child.pid,
    dataDir,
    pgPort,
    /** A connection to the API's database; closed by `stop()` before the API stops its database. */
    async client() {
      const pg = apiRequire('pg');
      const client = new pg.Client({ connectionString: `postgresql://greenlight:greenlight@127.0.0.1:${pgPort}/greenlight` });
      await client.connect();
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients.splice(0)) await client.end().catch(() => undefined);
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await new Promise((r) => child.once('exit', r));
      }
      // The upload benchmark leaves gigabytes here (its videos, uploads and media).
      rmSync(dataDir, { recursive: true, force: true });
    },
    async gql(query, variables = {}, token) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const json = await res.json();
      if (json.errors) throw new Error(JSON.stringify(json.errors));
      return json.data;
    },
  };
}

export async function signIn(api, email) {
  const data = await api.gql('mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: { email, password: 'greenlight-demo' } });
  return data.signIn.token;
}

/** Peak resident memory of a process so far (VmHWM), in MiB. */
export function peakRssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** Current resident memory (VmRSS), in MiB. */
export function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}
