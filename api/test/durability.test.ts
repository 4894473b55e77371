import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { createLogger } from '../src/logger';
import { processAlive } from './support/processes';
import { print } from '@0no-co/graphql.web';
import { graphql, type TadaDocumentNode } from '../../schema/graphql';

/**
 * The product as a user runs it: the built API process on its embedded PostgreSQL, killed with
 * SIGKILL and started again. Needs `npm run build -w api` first (the test script does it).
 */
const MAIN = path.join(findRepoRoot(), 'api', 'dist', 'api', 'src', 'main.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'gl-durability-'));
const pgPort = 55000 + Math.floor(Math.random() * 900);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
    } catch {
      /* already gone */
    }
  }
});

/** The built API on this file's data folder and database port, its output gathered. */
function spawnProduct(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, API_PORT: '0', EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function startProduct(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const { child, output: gathered } = spawnProduct();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /"port":(\d+),"database":"embedded","msg":"Greenlight API listening"/.exec(gathered());
      // The banner is a separate write after the log line: started means both have arrived.
      if (match && gathered().includes('Demo partner API key')) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`API exited with ${code}: ${gathered()}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, output: gathered };
}

async function gql<T, V extends Record<string, never>>(url: string, document: TadaDocumentNode<T, V>, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document) }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

const SIGN_IN = graphql(`mutation { signIn(input: { email: "admin@greenlight.test", password: "greenlight-demo" }) { token } }`);
const ORGANIZATIONS = graphql('{ organizations { name } }');

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

describe('the product survives unclean stops', () => {
  // Two starts of the whole product, the first with initdb, migrations and the demo data: on a busy
  // two-core machine that takes longer than the default 30 s, and a timeout here left the second
  // product holding the port the next test starts on.
  it('kill -9 and a second start come back with the same data, then Ctrl-C stops everything cleanly', async () => {
    const first = await startProduct();
    expect(first.output()).toContain('admin@greenlight.test');
    const partnerKey = readFileSync(path.join(dataDir, 'demo-partner-api-key'), 'utf8').trim();
    expect(first.output()).toContain(partnerKey);
    const token = (await gql(first.url, SIGN_IN)).data!.signIn;
    const created = await gql(first.url, graphql(`mutation { createOrganization(input: { name: "Durable Studio", kind: STUDIO }) { id } }`), token.token);
    expect(created.errors).toBeUndefined();

    first.child.kill('SIGKILL');
    await exited(first.child);

    // The orphaned PostgreSQL is still running; the next start must shut it down and carry on.
    const second = await startProduct();
    expect(second.output()).toContain('still running; shutting it down cleanly');
    const orgs = await gql(second.url, ORGANIZATIONS, token.token);
    expect(JSON.stringify(orgs.data)).toContain('Durable Studio');
    const asPartner = await gql(second.url, graphql('{ viewer { kind } }'), partnerKey);
    expect(asPartner.data).toEqual({ viewer: { kind: 'PARTNER_KEY' } });

    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('a stale lock file from a crashed server does not stop the next start', async () => {
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    // A crash of the whole machine leaves the lock file naming a process that no longer exists.
    writeFileSync(pidFile, `999999\n${path.join(dataDir, 'postgres')}\n`);
    const third = await startProduct();
    expect(third.output()).toContain('stale PostgreSQL lock file');
    const token = (await gql(third.url, SIGN_IN)).data!.signIn;
    expect(JSON.stringify((await gql(third.url, ORGANIZATIONS, token.token)).data)).toContain('Durable Studio');
    third.child.kill('SIGTERM');
    expect(await exited(third.child)).toBe(0);
  });

  it('a half-initialised data folder is moved aside, not deleted, and a fresh one is made', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gl-halfinit-'));
    mkdirSync(path.join(dir, 'postgres'));
    writeFileSync(path.join(dir, 'postgres', 'leftover'), 'from an interrupted initdb');
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort + 1, logger: createLogger('silent') });
    try {
      expect(existsSync(path.join(dir, 'postgres', 'PG_VERSION'))).toBe(true);
      const aside = (await import('node:fs')).readdirSync(dir).find((f) => f.startsWith('postgres.incomplete-'));
      expect(aside && readFileSync(path.join(dir, aside, 'leftover'), 'utf8')).toBe('from an interrupted initdb');
    } finally {
      await db.stop();
    }
  });

  it('a signal while the embedded database is starting stops the database too: the next start finds none left running', async () => {
    const { child, output } = spawnProduct();
    // The postmaster writes its lock file as it starts; the API is then still waiting for it to accept connections.
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    let postmaster = 0;
    for (const deadline = Date.now() + 60_000; !postmaster; await new Promise((r) => setTimeout(r, 5))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the database never started: ${output()}`);
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
      if (pid > 0 && processAlive(pid)) postmaster = pid;
    }
    expect(output()).not.toContain('Greenlight API listening');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(processAlive(postmaster)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
  }, 120_000);
});
