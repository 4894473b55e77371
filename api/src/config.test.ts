import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, findRepoRoot, loadConfig } from './config';

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

  it('every variable the API reads is in .env.example and in the README configuration table', () => {
    const root = findRepoRoot();
    // The configuration's variables, and any read straight from process.env elsewhere in the API.
    const sources = (readdirSync(path.join(root, 'api', 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const direct = sources.flatMap((f) => [...readFileSync(path.join(root, 'api', 'src', f), 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const read = [...new Set([...CONFIG_VARIABLES, ...direct])].sort();
    expect(read).toEqual(expect.arrayContaining(['OPENAI_TRANSCRIPTION_MODEL', 'TRANSCRIPTION_MAX_SECONDS', 'VISUAL_CLASSIFIER_THREADS', 'FFMPEG_PATH']));
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Configuration'), readme.indexOf('\n\n', readme.indexOf('| variable |')));
    expect(read.filter((name) => !new RegExp(`^(# )?${name}=`, 'm').test(example)), '.env.example lacks').toEqual([]);
    expect(read.filter((name) => !table.includes(`| \`${name}\` |`)), 'the README configuration table lacks').toEqual([]);
  });
});
