// Shared helpers for the benchmarks: start the built API on its own data folder, talk GraphQL.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `api/dist` on a throwaway embedded PostgreSQL; resolves once it listens. */
export async function startApi(env = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'greenlight-bench-'));
  const pgPort = 56000 + Math.floor(Math.random() * 900);
  const child = spawn(process.execPath, [path.join(repo, 'api/dist/api/src/main.js')], {
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
  return {
    url,
    pid: child.pid,
    dataDir,
    pgPort,
    async stop() {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
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
