#!/usr/bin/env node
// Starts the whole product with labelled logs: the API (which owns the embedded PostgreSQL), the
// review worker and the web dashboard. Ctrl-C stops both; the API stops its database cleanly.
// `--dev` rebuilds the API on change and serves the dashboard through Vite.
import concurrently from 'concurrently';

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

const { result } = concurrently(commands, { prefix: 'name', killOthersOn: ['failure'], restartTries: 0, handleInput: false });
result.then(
  () => process.exit(0),
  (events) => {
    const failed = events.filter((e) => e.exitCode !== 0 && e.exitCode !== 'SIGINT' && e.exitCode !== 'SIGTERM');
    process.exit(failed.length ? 1 : 0);
  },
);
