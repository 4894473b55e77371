import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { API_GRAPHQL_URL } from '../support/stack';

// The built dashboard (`npm run build`, which this suite's command runs first), started on its own
// port in front of the stack's API, so stopping it leaves the stack alone.
test('SIGTERM to the dashboard lets a form post in flight finish, its answer saying the connection closes, and the dashboard leaves at once rather than holding that connection', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const web = spawn(process.execPath, [path.resolve(__dirname, '..', '..', 'web', 'server.js')], {
    env: { ...process.env, NODE_ENV: 'production', WEB_HOST: '127.0.0.1', WEB_PORT: String(port), API_URL: API_GRAPHQL_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => web.once('exit', () => resolve()));
  let output = '';
  web.stdout!.on('data', (d) => (output += d));
  web.stderr!.on('data', (d) => (output += d));
  const socket = new net.Socket();
  try {
    await expect.poll(() => output, { timeout: 30_000 }).toMatch(/Greenlight dashboard listening/);
    await new Promise<void>((resolve) => socket.connect({ port, host: '127.0.0.1' }, resolve));
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (d) => (received += d));
    const body = 'email=nobody%40greenlight.test&password=not-the-password';
    socket.write(`POST /login HTTP/1.1\r\nHost: web\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    web.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.write(body.slice(10));
    await exited;
    // Closed once the answer left, not forced out at its 5 s limit (which exits 1, saying so).
    expect(web.exitCode).toBe(0);
    expect(output).not.toMatch(/still open/);
    expect(received).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(received.split('\r\n\r\n')[0]).toMatch(/\r\nConnection: close(\r\n|$)/i);
  } finally {
    socket.destroy();
    web.kill('SIGKILL');
    await exited;
  }
});
