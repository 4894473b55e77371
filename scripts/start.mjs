#!/usr/bin/env node
// Starts the whole product with labelled logs: the API (which owns the embedded PostgreSQL), the
// review worker and the web dashboard. Ctrl-C stops them all: the worker and the dashboard first,
// then the API, which stops its database last, so no process loses its connections mid-shutdown.
// `--dev` rebuilds the API on change and serves the dashboard through Vite.
import { spawn } from 'node:child_process';
import { createConcurrently, LogError, LogExit, LogOutput, Logger } from 'concurrently';

const dev = process.argv.includes('--dev');
const apiPort = process.env.API_PORT ?? '4000';
const webPort = process.env.WEB_PORT ?? '3000';
const env = {
  API_PORT: apiPort,
  WEB_PORT: webPort,
  API_URL: process.env.API_URL ?? `http://127.0.0.1:${apiPort}/graphql`,
  PUBLIC_WEB_URL: process.env.PUBLIC_WEB_URL ?? `http://localhost:${webPort}`,
};

const commands = dev
  ? [
      { name: 'build', command: 'npx tsc -p api/tsconfig.build.json --watch --preserveWatchOutput', prefixColor: 'gray' },
      { name: 'api', command: 'node --watch-path=api/dist api/dist/api/src/main.js', prefixColor: 'green', env },
      { name: 'worker', command: 'node --watch-path=api/dist api/dist/api/src/cli/worker.js', prefixColor: 'yellow', env },
      { name: 'web', command: 'node server.js --dev', cwd: 'web', prefixColor: 'cyan', env },
    ]
  : [
      { name: 'api', command: 'node api/dist/api/src/main.js', prefixColor: 'green', env },
      { name: 'worker', command: 'node api/dist/api/src/cli/worker.js', prefixColor: 'yellow', env },
      { name: 'web', command: 'node server.js', cwd: 'web', prefixColor: 'cyan', env: { ...env, NODE_ENV: 'production' } },
    ];

// Each command runs in a process group of its own, so a terminal's Ctrl-C reaches only this script and
// not the embedded PostgreSQL the API spawned (which would shut down at once, under the worker).
const spawnApart = (command, options) => spawn('/bin/sh', ['-c', `exec ${command}`], { ...options, detached: true });
// A signal goes to the command's own process only: the API stops its database itself.
const signalOne = (pid, signal) => {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
};
const logger = new Logger({ prefixFormat: 'name' });
const { result, commands: running } = createConcurrently(commands, {
  logger,
  outputStream: process.stdout,
  spawn: spawnApart,
  kill: signalOne,
  controllers: [new LogError({ logger }), new LogOutput({ logger }), new LogExit({ logger })],
});

const exited = new Set();
let stopping = false;
// Set once the API has said it is running: a process stopping after that did not stop the start, it stopped the product.
let started = false;
running.find((c) => c.name === 'api')?.stdout.subscribe((text) => {
  if (!started && String(text).includes('Greenlight is running')) started = true;
});
// One that fails on its own (a port another program holds: it says which, and the setting that moves
// it; or a crash later on) stops the others the way Ctrl-C does, and the whole run fails.
let failed = false;
for (const command of running) {
  command.close.subscribe((event) => {
    exited.add(command);
    if (stopping || event.exitCode === 0) return;
    failed = true;
    const how = typeof event.exitCode === 'string' ? `was stopped by ${event.exitCode}` : `exited with code ${event.exitCode}`;
    process.stderr.write(
      started
        ? `\n  Greenlight stopped: ${command.name} ${how} (see its lines above). Stopping the others; \`npm start\` starts it again where it left off.\n\n`
        : `\n  Greenlight did not start: ${command.name} stopped (see its lines above). Stopping the others.\n\n`,
    );
    void stopAll('SIGTERM');
  });
}
// Ctrl-C (or a service manager's SIGTERM): the worker and the dashboard first, then the API once they
// have exited (at most 45 s), so the database outlives every connection to it.
async function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  const api = running.find((c) => c.name === 'api');
  for (const command of running) if (command !== api) command.kill(signal);
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline && running.some((c) => c !== api && !exited.has(c))) await new Promise((r) => setTimeout(r, 100));
  api?.kill(signal);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(signal));

result.then(
  () => process.exit(failed ? 1 : 0),
  (events) => process.exit(failed || events.some((e) => !stopping && e.exitCode !== 0) ? 1 : 0),
);
