import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/** The repository root: the folder holding `migrations/` and `api/`, whether running from src or dist. */
export function findRepoRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'migrations')) && existsSync(path.join(dir, 'api', 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_WEB_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  DATA_DIR: z.string().optional(),
  APP_SECRET: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 7),
  INVITATION_TTL_HOURS: z.coerce.number().positive().default(24 * 7),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO_DATA: bool.default(true),
  UPLOAD_DIR: z.string().optional(),
  MEDIA_DIR: z.string().optional(),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  UPLOAD_EXPIRY_HOURS: z.coerce.number().positive().default(24),
  UPLOAD_CLEANUP_INTERVAL_MINUTES: z.coerce.number().positive().default(15),
  MAX_EPISODE_DURATION_SECONDS: z.coerce.number().positive().default(600),
  SUBTITLE_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  apiHost: string;
  apiPort: number;
  webPort: number;
  publicWebUrl: string;
  databaseUrl?: string;
  embeddedPgPort: number;
  dataDir: string;
  appSecret: string;
  sessionTtlMs: number;
  invitationTtlMs: number;
  signIn: { maxFailures: number; windowSeconds: number };
  logLevel: string;
  seedDemoData: boolean;
  uploads: {
    /** Where tus keeps partial uploads. */
    dir: string;
    maxBytes: number;
    expiryMs: number;
    cleanupIntervalMs: number;
    maxDurationSeconds: number;
  };
  /** Where finished media revisions and posters live (local storage). */
  mediaDir: string;
  subtitleMaxBytes: number;
};

export class ConfigError extends Error {}

const EXAMPLE_SECRET = 'change-me-to-a-long-random-string';

/** Validates the environment once at boot and fails fast with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const dataDir = path.resolve(e.DATA_DIR ?? path.join(findRepoRoot(), '.data'));

  let appSecret = e.APP_SECRET;
  if (isProduction) {
    if (!appSecret || appSecret.length < 32 || appSecret === EXAMPLE_SECRET) {
      throw new ConfigError('APP_SECRET must be set to a random string of at least 32 characters in production.');
    }
    if (!e.DATABASE_URL) throw new ConfigError('DATABASE_URL must be set in production.');
  } else if (!appSecret) {
    appSecret = localDevelopmentSecret(dataDir);
  }

  return {
    env: e.NODE_ENV,
    isProduction,
    apiHost: e.API_HOST,
    apiPort: e.API_PORT,
    webPort: e.WEB_PORT,
    publicWebUrl: e.PUBLIC_WEB_URL ?? `http://localhost:${e.WEB_PORT}`,
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    dataDir,
    appSecret: appSecret!,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    invitationTtlMs: e.INVITATION_TTL_HOURS * 3600_000,
    signIn: { maxFailures: e.SIGN_IN_MAX_FAILURES, windowSeconds: e.SIGN_IN_WINDOW_SECONDS },
    logLevel: e.LOG_LEVEL,
    seedDemoData: e.SEED_DEMO_DATA,
    uploads: {
      dir: path.resolve(e.UPLOAD_DIR ?? path.join(dataDir, 'uploads')),
      maxBytes: e.UPLOAD_MAX_BYTES,
      expiryMs: e.UPLOAD_EXPIRY_HOURS * 3600_000,
      cleanupIntervalMs: e.UPLOAD_CLEANUP_INTERVAL_MINUTES * 60_000,
      maxDurationSeconds: e.MAX_EPISODE_DURATION_SECONDS,
    },
    mediaDir: path.resolve(e.MEDIA_DIR ?? path.join(dataDir, 'media')),
    subtitleMaxBytes: e.SUBTITLE_MAX_BYTES,
  };
}

/** Development only: a secret generated once and kept under the data folder, so sessions survive restarts. */
function localDevelopmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
