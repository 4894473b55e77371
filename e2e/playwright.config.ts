import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { API_PORT, DATA_FOLDER, FAKE_OPENAI_URL, MEDIA_FOLDER, PG_PORT, WEB_PORT } from './support/stack';

const repo = path.resolve(__dirname, '..');

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  // The fake OpenAI server runs in the runner process for the whole run (see support/stack.ts).
  globalSetup: './support/fake-openai-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://localhost:${WEB_PORT}`,
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // An isolated stack: its own data folder, database port and web/API ports.
  webServer: [
    {
      command: 'node start-api.mjs',
      cwd: __dirname,
      url: `http://127.0.0.1:${API_PORT}/readyz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      // Lets the API stop its embedded PostgreSQL instead of leaving it running.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      env: {
        DATA_DIR: path.join(repo, DATA_FOLDER),
        MEDIA_DIR: MEDIA_FOLDER,
        API_PORT: String(API_PORT),
        EMBEDDED_PG_PORT: String(PG_PORT),
        WEB_PORT: String(WEB_PORT),
        PUBLIC_WEB_URL: `http://localhost:${WEB_PORT}`,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
        // The review worker runs inside the API process for end-to-end runs.
        RUN_WORKER: 'true',
        // AI subtitle translation against the fake OpenAI server; screening stays the embedded rules.
        AI_PROVIDER: 'rules',
        OPENAI_API_KEY: 'sk-e2e-not-a-real-key',
        OPENAI_BASE_URL: FAKE_OPENAI_URL,
      },
    },
    {
      command: 'node ../web/server.js',
      cwd: __dirname,
      url: `http://127.0.0.1:${WEB_PORT}/login`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      env: {
        NODE_ENV: 'production',
        WEB_PORT: String(WEB_PORT),
        API_URL: `http://127.0.0.1:${API_PORT}/graphql`,
      },
    },
  ],
});
