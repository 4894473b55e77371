import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('refuses to start in production without a real secret or database', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@db/greenlight' })).toThrow(/APP_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', APP_SECRET: 'change-me-to-a-long-random-string', DATABASE_URL: 'postgres://x@db/g' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(40) })).toThrow(/DATABASE_URL/);
    expect(loadConfig({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://x@db/g' }).isProduction).toBe(true);
  });

  it('in development generates a local secret once and keeps it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gl-config-'));
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.appSecret.length).toBeGreaterThanOrEqual(40);
    expect(second.appSecret).toBe(first.appSecret);
    expect(readFileSync(path.join(dataDir, 'app-secret'), 'utf8').trim()).toBe(first.appSecret);
  });

  it('names every invalid setting', () => {
    expect(() => loadConfig({ API_PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/API_PORT.*LOG_LEVEL/);
  });
});
