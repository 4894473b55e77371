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

/** Compose passes unset variables as empty strings (`${S3_BUCKET:-}`); treat them as unset. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const MIB = 1024 ** 2;
/** S3 multipart limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them. */
const S3_MIN_PART = 5 * MIB;
const S3_MAX_PART = 5 * 1024 * MIB;
const S3_MAX_PARTS = 10_000;

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
  UPLOAD_PROCESSING_LEASE_SECONDS: z.coerce.number().positive().default(60),
  MAX_EPISODE_DURATION_SECONDS: z.coerce.number().positive().default(600),
  SUBTITLE_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  LICENSE_DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().max(64 * 1024 * 1024).default(10 * 1024 * 1024),
  LICENSE_DOCUMENT_URL_TTL_SECONDS: z.coerce.number().int().positive().default(600),
  LICENSE_DOCUMENT_MAX_PER_LICENSE: z.coerce.number().int().positive().max(1000).default(50),
  AI_PROVIDER: z.enum(['auto', 'openai', 'rules']).default('auto'),
  OPENAI_API_KEY: z.string().optional(),
  // Compose passes unset variables as empty strings: treat those as unset.
  OPENAI_BASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  TRUST_PROXY: z.string().default('loopback'),
  OPENAI_MODERATION_MODEL: z.string().default('omni-moderation-latest'),
  OPENAI_POLICY_MODEL: z.string().default('gpt-4o-mini'),
  /** Transcribes episodes without subtitles in their original language (verbose_json, timed segments). */
  OPENAI_TRANSCRIPTION_MODEL: z.string().default('whisper-1'),
  /** Seconds of an episode's audio sent for transcription at most. */
  TRANSCRIPTION_MAX_SECONDS: z.coerce.number().int().min(1).max(6000).default(1800),
  OPENAI_TRANSLATION_MODEL: z.string().default('gpt-4o-mini'),
  AI_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  AI_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  AI_RETRY_BASE_MS: z.coerce.number().int().min(0).default(1000),
  AI_DEADLINE_MS: z.coerce.number().int().positive().default(5 * 60_000),
  REVIEW_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** The embedded image model that scores keyframes when no OpenAI key is set (`off`: text rules only). */
  VISUAL_CLASSIFIER: z.enum(['nsfwjs', 'off']).default('nsfwjs'),
  /** A TensorFlow.js layers model (model.json and weights) to use instead of the one in the nsfwjs package. */
  VISUAL_CLASSIFIER_MODEL_DIR: optional(z.string()),
  /** Worker threads running the image model (each holds its own copy, about 60–90 MB). */
  VISUAL_CLASSIFIER_THREADS: z.coerce.number().int().min(1).max(8).default(1),
  /** A folder of extra territory policy packs (JSON), added to the built-in ones at boot. */
  POLICY_PACKS_DIR: optional(z.string()),
  REVIEW_MAX_KEYFRAMES: z.coerce.number().int().min(0).max(64).default(8),
  REVIEW_JOB_EXPIRE_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  REVIEW_SCREENING_LEASE_SECONDS: z.coerce.number().int().min(1).default(60),
  REVIEW_SCREENING_LIMIT_MINUTES: z.coerce.number().positive().default(30),
  REVIEW_SCREENING_MAX_RUNS: z.coerce.number().int().min(1).max(20).default(4),
  JOB_MAINTENANCE_SECONDS: z.coerce.number().int().positive().default(30),
  RUN_WORKER: bool.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_RETRY_LIMIT: z.coerce.number().int().min(0).max(30).default(10),
  WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).default(60),
  WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES: z.coerce.number().int().min(1).default(1),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  PLAYBACK_URL_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** How often each process looks for series whose gate result is due to flip by time (a window ends, a release starts). */
  PUBLICATION_POLL_SECONDS: z.coerce.number().positive().max(3600).default(5),
  REVIEW_SLA_HOURS: z.coerce.number().positive().default(24),
  REVIEW_LEASE_MINUTES: z.coerce.number().positive().default(15),
  REVIEW_FOUR_EYES: bool.default(true),
  STORAGE: optional(z.enum(['local', 's3'])),
  S3_BUCKET: optional(z.string()),
  S3_ENDPOINT: optional(z.url()),
  S3_REGION: optional(z.string()),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  S3_FORCE_PATH_STYLE: optional(bool),
  S3_PART_SIZE: optional(z.coerce.number().int().min(S3_MIN_PART).max(S3_MAX_PART)),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(5000),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(50),
  GRAPHQL_MAX_FIELD_REPEATS: z.coerce.number().int().positive().default(5),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(2000),
  PARTNER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  USER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  ANONYMOUS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(300),
});

/** Every environment variable the configuration reads (README.md's configuration table and `.env.example` list each). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** An S3-compatible bucket holding uploads under way (tus) and finished media. */
export type S3Settings = {
  kind: 's3';
  bucket: string;
  /** Unset for AWS itself; the server's URL for anything else (Ceph RGW, MinIO, …). */
  endpoint?: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** Multipart part size, already raised so the largest allowed upload fits in 10,000 parts. */
  partSize: number;
};

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
  /** Express `trust proxy`: whose X-Forwarded-For names the client (loopback; add e.g. uniquelocal behind a proxy). */
  trustProxy: string;
  uploads: {
    /** Where tus keeps partial uploads. */
    dir: string;
    maxBytes: number;
    expiryMs: number;
    cleanupIntervalMs: number;
    maxDurationSeconds: number;
    /**
     * A finished upload is processed under a lease its process renews while it works; a process that
     * died midway is taken over (by any API process's sweep) this long after its last renewal.
     */
    processingLeaseMs: number;
  };
  /** Where finished media revisions and posters live (local storage). */
  mediaDir: string;
  /** Local folders (`uploads.dir`, `mediaDir`) or an S3-compatible bucket for uploads and media. */
  storage: { kind: 'local' } | S3Settings;
  subtitleMaxBytes: number;
  /** Contract PDFs attached to licenses (chain of title): largest file in bytes, lifetime of a signed download URL, most documents per license. */
  licenseDocuments: { maxBytes: number; urlTtlSeconds: number; maxPerLicense: number };
  webhooks: {
    timeoutMs: number;
    /** Retries with exponential backoff: 10 from 60 s add up to about a day. */
    retryLimit: number;
    retryDelaySeconds: number;
    disableAfterFailedDeliveries: number;
    /** Development and tests only (refused in production): deliveries may reach loopback and private networks. */
    allowPrivateTargets: boolean;
    /** Production: endpoints must be https. */
    requireHttps: boolean;
  };
  publishing: { playbackTtlSeconds: number; pollSeconds: number };
  review: {
    /** `openai` when a key is configured (or asked for), else the built-in `rules` (with the embedded image model unless it is off). */
    provider: 'openai' | 'rules';
    visualClassifier: { kind: 'nsfwjs'; modelDir?: string; threads: number } | null;
    policyPacksDir?: string;
    openai?: { apiKey: string; baseURL?: string; moderationModel: string; policyModel: string; translationModel: string; timeoutMs: number };
    /** With an OpenAI key: episodes without subtitles in their original language are transcribed. */
    transcription: { apiKey: string; baseURL?: string; model: string; timeoutMs: number; maxSeconds: number } | null;
    maxAttempts: number;
    retryBaseMs: number;
    deadlineMs: number;
    concurrency: number;
    maxKeyframes: number;
    jobExpireSeconds: number;
    /** A screening worker renews its case's lease; once the lease lapses, another worker takes the case over. */
    screeningLeaseMs: number;
    /** The longest a case may stay in screening before it goes to reviewers as AI unavailable. */
    screeningLimitMs: number;
    /** Screening runs (retries and takeovers) before a case goes to reviewers as AI unavailable. */
    screeningMaxRuns: number;
    maintenanceSeconds: number;
    /** Work the review queue inside the API process too (single-process setups, end-to-end runs). */
    runWorkerInApi: boolean;
    slaMs: number;
    leaseMs: number;
    /** Approving against a LIKELY_VIOLATION needs a lead's second approval. */
    fourEyes: boolean;
  };
  /** Refused before execution; see graphql/limits.ts. */
  graphqlLimits: {
    maxDepth: number;
    /** Roughly the objects a query may fetch: lists count `first`/`last` (or the default page size) times. */
    maxCost: number;
    /** The dashboard asks for up to 40 (two per target territory of a case); cost bounds what they fetch. */
    maxAliases: number;
    /** How often one field may be selected in one selection set (repeats only add work). */
    maxFieldRepeats: number;
    maxDirectives: number;
    maxTokens: number;
  };
  /** Requests per minute, counted in PostgreSQL so every API instance shares them. */
  rateLimits: { partnerPerMinute: number; userPerMinute: number; anonymousPerMinute: number };
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
    if (e.WEBHOOK_ALLOW_PRIVATE_TARGETS) throw new ConfigError('WEBHOOK_ALLOW_PRIVATE_TARGETS is for development and tests; production webhooks reach the public internet only.');
  } else if (!appSecret) {
    appSecret = localDevelopmentSecret(dataDir);
  }

  const provider = e.AI_PROVIDER === 'auto' ? (e.OPENAI_API_KEY ? 'openai' : 'rules') : e.AI_PROVIDER;
  if (provider === 'openai' && !e.OPENAI_API_KEY) throw new ConfigError('AI_PROVIDER=openai needs OPENAI_API_KEY.');

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
    trustProxy: e.TRUST_PROXY,
    uploads: {
      dir: path.resolve(e.UPLOAD_DIR ?? path.join(dataDir, 'uploads')),
      maxBytes: e.UPLOAD_MAX_BYTES,
      expiryMs: e.UPLOAD_EXPIRY_HOURS * 3600_000,
      cleanupIntervalMs: e.UPLOAD_CLEANUP_INTERVAL_MINUTES * 60_000,
      processingLeaseMs: e.UPLOAD_PROCESSING_LEASE_SECONDS * 1000,
      maxDurationSeconds: e.MAX_EPISODE_DURATION_SECONDS,
    },
    mediaDir: path.resolve(e.MEDIA_DIR ?? path.join(dataDir, 'media')),
    storage: e.STORAGE === 's3' ? s3Settings(e) : { kind: 'local' },
    subtitleMaxBytes: e.SUBTITLE_MAX_BYTES,
    licenseDocuments: { maxBytes: e.LICENSE_DOCUMENT_MAX_BYTES, urlTtlSeconds: e.LICENSE_DOCUMENT_URL_TTL_SECONDS, maxPerLicense: e.LICENSE_DOCUMENT_MAX_PER_LICENSE },
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryLimit: e.WEBHOOK_RETRY_LIMIT,
      retryDelaySeconds: e.WEBHOOK_RETRY_DELAY_SECONDS,
      disableAfterFailedDeliveries: e.WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES,
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      requireHttps: isProduction,
    },
    publishing: { playbackTtlSeconds: e.PLAYBACK_URL_TTL_SECONDS, pollSeconds: e.PUBLICATION_POLL_SECONDS },
    review: {
      provider,
      visualClassifier: e.VISUAL_CLASSIFIER === 'off' ? null : { kind: e.VISUAL_CLASSIFIER, modelDir: e.VISUAL_CLASSIFIER_MODEL_DIR ? path.resolve(e.VISUAL_CLASSIFIER_MODEL_DIR) : undefined, threads: e.VISUAL_CLASSIFIER_THREADS },
      policyPacksDir: e.POLICY_PACKS_DIR ? path.resolve(e.POLICY_PACKS_DIR) : undefined,
      openai: e.OPENAI_API_KEY
        ? { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, moderationModel: e.OPENAI_MODERATION_MODEL, policyModel: e.OPENAI_POLICY_MODEL, translationModel: e.OPENAI_TRANSLATION_MODEL, timeoutMs: e.AI_CALL_TIMEOUT_MS }
        : undefined,
      transcription: e.OPENAI_API_KEY && provider === 'openai' ? { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, model: e.OPENAI_TRANSCRIPTION_MODEL, timeoutMs: e.AI_CALL_TIMEOUT_MS, maxSeconds: e.TRANSCRIPTION_MAX_SECONDS } : null,
      maxAttempts: e.AI_MAX_ATTEMPTS,
      retryBaseMs: e.AI_RETRY_BASE_MS,
      deadlineMs: e.AI_DEADLINE_MS,
      concurrency: e.REVIEW_CONCURRENCY,
      maxKeyframes: e.REVIEW_MAX_KEYFRAMES,
      jobExpireSeconds: e.REVIEW_JOB_EXPIRE_SECONDS,
      screeningLeaseMs: e.REVIEW_SCREENING_LEASE_SECONDS * 1000,
      screeningLimitMs: e.REVIEW_SCREENING_LIMIT_MINUTES * 60_000,
      screeningMaxRuns: e.REVIEW_SCREENING_MAX_RUNS,
      maintenanceSeconds: e.JOB_MAINTENANCE_SECONDS,
      runWorkerInApi: e.RUN_WORKER,
      slaMs: e.REVIEW_SLA_HOURS * 3600_000,
      leaseMs: e.REVIEW_LEASE_MINUTES * 60_000,
      fourEyes: e.REVIEW_FOUR_EYES,
    },
    graphqlLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxFieldRepeats: e.GRAPHQL_MAX_FIELD_REPEATS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
    },
    rateLimits: {
      partnerPerMinute: e.PARTNER_RATE_LIMIT_PER_MINUTE,
      userPerMinute: e.USER_RATE_LIMIT_PER_MINUTE,
      anonymousPerMinute: e.ANONYMOUS_RATE_LIMIT_PER_MINUTE,
    },
  };
}

function s3Settings(e: z.infer<typeof envSchema>): S3Settings {
  const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((name) => !e[name]);
  if (missing.length) throw new ConfigError(`STORAGE=s3 needs ${missing.join(', ')} to be set.`);
  if (e.UPLOAD_MAX_BYTES > S3_MAX_PART * S3_MAX_PARTS) {
    throw new ConfigError(`UPLOAD_MAX_BYTES can be at most ${S3_MAX_PART * S3_MAX_PARTS} with STORAGE=s3 (10,000 parts of 5 GiB).`);
  }
  // Whole MiB, and large enough that the biggest allowed upload needs at most 10,000 parts.
  const fitting = Math.ceil(e.UPLOAD_MAX_BYTES / S3_MAX_PARTS / MIB) * MIB;
  return {
    kind: 's3',
    bucket: e.S3_BUCKET!,
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION ?? 'us-east-1',
    credentials: { accessKeyId: e.S3_ACCESS_KEY_ID!, secretAccessKey: e.S3_SECRET_ACCESS_KEY! },
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? true,
    partSize: Math.min(S3_MAX_PART, Math.max(e.S3_PART_SIZE ?? 8 * MIB, fitting)),
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
