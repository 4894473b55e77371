import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { API_MAIN } from './support/processes';

/**
 * The built API started on a port another program holds: one plain sentence naming the port and the
 * setting that moves it, no stack, exit code 1, and no embedded database left running. Needs
 * `npm run build -w api` first (the test script does it).
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'gl-port-in-use-'));
const held: net.Server[] = [];

afterAll(async () => {
  await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A port this test holds, as another program would. */
async function holdPort(): Promise<number> {
  const server = net.createServer();
  held.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startApi(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // The embedded database: the one whose port is in question.
  const { DATABASE_URL: _external, ...inherited } = process.env;
  const child = spawn(process.execPath, [API_MAIN], {
    env: { ...inherited, NODE_ENV: 'development', DATA_DIR: dataDir, API_HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('a port another program holds', () => {
  it('stops the API with one sentence naming API_PORT', async () => {
    const port = await holdPort();
    const { code, output } = await startApi({ API_PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(output.trim()).toBe(`Greenlight API failed to start: Port ${port} is already in use, so the API cannot start. Stop the program using it, or set API_PORT to another port.`);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 90_000);

  it('stops the API with one sentence naming EMBEDDED_PG_PORT', async () => {
    const port = await holdPort();
    const { code, output } = await startApi({ API_PORT: String(await freePort()), EMBEDDED_PG_PORT: String(port) });
    expect(code).toBe(1);
    expect(output.trim()).toBe(`Greenlight API failed to start: Port ${port} is already in use, so the embedded PostgreSQL cannot start. Stop the program using it, or set EMBEDDED_PG_PORT to another port.`);
    expect(output).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 90_000);
});
