import { randomBytes } from 'node:crypto';
import { Server, type ServerOptions } from '@tus/server';
import type { DataStore, Upload } from '@tus/utils';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import type { Config } from '../config';
import { DomainError, type ErrorCode } from '../domain/errors';
import type { RequestContext } from '../domain/request-context';
import type { Logger } from '../logger';
import { acceptUploadMetadata, UploadRefusedError, type UploadRefusal } from '../modules/media/upload.service';
import type { Services } from '../services';
import { PostgresLocker } from './postgres-locker';
import { createUploadStore } from './upload-stores';

export const UPLOADS_PATH = '/uploads';

/** tus ids are 32 lowercase hex characters; anything else (traversal, encoded slashes, NUL) names no upload. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

type TusRequest = { runtime?: { node?: { req: IncomingMessage } } };

export interface UploadServer {
  handle(req: ExpressRequest, res: ExpressResponse, ctx: RequestContext): Promise<void>;
  cleanUpExpired(): Promise<void>;
  /** Uploads finished while no process was there to handle them (a crash between write and hook). */
  resumeUnprocessed(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The upload endpoint's one table from a refusal's reason (`extensions.reason` in GraphQL) to its HTTP
 * status: services throw domain errors with reasons and never choose a status. The reason also goes
 * out in the `Upload-Refusal-Reason` header, for clients to word the refusal themselves.
 */
export const UPLOAD_STATUS: Record<UploadRefusal | ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UPLOAD_METADATA_INVALID: 400,
  UPLOAD_LENGTH_REQUIRED: 400,
  UPLOAD_EMPTY: 400,
  UPLOAD_TOO_LONG: 400,
  UPLOAD_DURATION_MISMATCH: 400,
  UPLOAD_LANGUAGE_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UPLOAD_VIDEO_REQUIRED: 409,
  UPLOAD_GONE: 410,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_TYPE_NOT_ACCEPTED: 415,
  UPLOAD_TYPE_MISMATCH: 415,
  RATE_LIMITED: 429,
};
export const REFUSAL_HEADER = 'Upload-Refusal-Reason';

const statusOf = (error: DomainError): number => (UPLOAD_STATUS as Record<string, number>)[error.reason] ?? UPLOAD_STATUS[error.code];

/**
 * The tus endpoint: resumable uploads into a local folder (FileStore) or an S3 bucket (S3Store),
 * with upload state in PostgreSQL and locks shared through PostgreSQL advisory locks, so several API
 * processes can serve one upload and a restart loses nothing.
 */
export async function createUploadServer(deps: { orm: MikroORM; config: Config; logger: Logger; services: Services; databaseUrl: string }): Promise<UploadServer> {
  const { config, logger, services } = deps;
  const pool = new pg.Pool({ connectionString: deps.databaseUrl, max: 20 });
  pool.on('error', (err) => logger.warn({ err }, 'upload lock connection error'));
  const locker = new PostgresLocker(pool);
  await locker.start(deps.databaseUrl);
  const uploadStore = createUploadStore(config, pool);
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  const responses = new WeakMap<IncomingMessage, ServerResponse>();
  /** The tus answer to a refusal: its status from the table, its reason in a header, its words as the body. */
  const refuse = (req: unknown, error: DomainError) => {
    const node = (req as TusRequest).runtime?.node?.req;
    const res = node && responses.get(node);
    if (res && !res.headersSent) res.setHeader(REFUSAL_HEADER, error.reason);
    return { status_code: statusOf(error), body: `${error.message}\n` };
  };
  const contextOf = (req: unknown): RequestContext => {
    const node = (req as TusRequest).runtime?.node?.req;
    const ctx = node && contexts.get(node);
    if (!ctx) throw new Error('upload request without a context');
    return ctx;
  };

  const processFinished = async (uploadId: string, log: Logger) => {
    const em = deps.orm.em.fork();
    const claim = await services.media.claim(em, uploadId);
    if (!claim) return;
    // Renewed while this process works; if it dies midway, another process's sweep takes the upload over.
    const lease = services.media.holdClaim(em, claim, log);
    try {
      await services.media.markProcessing(em, uploadId);
      const file = await uploadStore.finishedFile(uploadId);
      try {
        await services.media.process(em.fork(), uploadId, file, log, lease);
      } finally {
        await file.release();
      }
    } finally {
      await lease.settle();
    }
    // The bytes now live in media storage; drop what tus kept.
    await uploadStore.discard(uploadId).catch((err) => log.warn({ err, uploadId }, 'removing a processed upload failed'));
  };

  const options: ServerOptions & { datastore: DataStore } = {
    path: UPLOADS_PATH,
    datastore: uploadStore.datastore,
    locker,
    relativeLocation: true,
    maxSize: config.uploads.maxBytes,
    disableTerminationForFinishedUploads: true,
    namingFunction: () => randomBytes(16).toString('hex'),
    getFileIdFromRequest: (_req, id) => (id && UPLOAD_ID.test(id) ? id : undefined),
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST') return;
      try {
        await services.uploads.checkExistingUpload(contextOf(req), uploadId);
      } catch (error) {
        if (error instanceof DomainError) throw refuse(req, error);
        throw error;
      }
    },
    async onUploadCreate(req, upload: Upload) {
      const ctx = contextOf(req);
      try {
        const accepted = { id: upload.id, size: upload.size, metadata: acceptUploadMetadata(upload.metadata ?? {}) };
        const episode = await services.uploads.checkNewUpload(ctx, accepted);
        await services.uploads.recordStarted(ctx, accepted, episode);
      } catch (error) {
        if (error instanceof DomainError) throw refuse(req, error);
        throw error;
      }
      return {};
    },
    async onUploadFinish(req, upload: Upload) {
      const ctx = contextOf(req);
      // Processing (hashing, probing) runs after the response, so the client is not kept waiting.
      setImmediate(() => {
        processFinished(upload.id, ctx.logger).catch((err) => ctx.logger.error({ err, uploadId: upload.id }, 'upload processing failed'));
      });
      return {};
    },
    onResponseError(req, error) {
      const status = 'status_code' in error ? error.status_code : 500;
      // tus refuses an Upload-Length over maxSize itself, before our hook sees the upload.
      if (status === 413) return refuse(req, new UploadRefusedError('UPLOAD_TOO_LARGE', `The file is larger than the ${Math.round(config.uploads.maxBytes / 1024 ** 2)} MiB limit.`));
      if (status >= 500) logger.error({ err: error }, 'upload request failed');
      return undefined;
    },
  };
  const server = new Server(options);

  server.on('POST_TERMINATE', (req: unknown, _res: unknown, id: string) => {
    const ctx = contextOf(req);
    services.uploads.recordTerminated(ctx, id).catch((err) => ctx.logger.error({ err, uploadId: id }, 'recording a cancelled upload failed'));
  });

  const resumeUnprocessed = async () => {
    for (const id of await uploadStore.unprocessed()) await processFinished(id, logger).catch((err) => logger.error({ err, uploadId: id }, 'resuming upload processing failed'));
  };
  // The sweep: an upload whose processing process died midway (its lease lapsed) is taken over while
  // running, not at the next start. Every API process sweeps; a claim is taken by one only.
  const lapsed = async () => {
    const { rows } = await pool.query<{ id: string }>(`select id from episode_upload where status = 'PROCESSING' and processing_claimed_at < now() - ($1 || ' milliseconds')::interval`, [String(config.uploads.processingLeaseMs)]);
    for (const { id } of rows) {
      logger.warn({ uploadId: id }, 'taking over an upload whose processing stopped (lease lapsed)');
      await processFinished(id, logger).catch((err) => logger.error({ err, uploadId: id }, 'taking over upload processing failed'));
    }
  };
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    lapsed()
      .catch((err) => logger.error({ err }, 'sweeping unprocessed uploads failed'))
      .finally(() => (sweeping = false));
  }, Math.min(30_000, Math.max(500, Math.floor(config.uploads.processingLeaseMs / 2))));
  sweeper.unref();

  return {
    async handle(req, res, ctx) {
      contexts.set(req, ctx);
      responses.set(req, res);
      await server.handle(req, res);
    },
    async cleanUpExpired() {
      const removed = await uploadStore.removeExpired();
      const abandoned = await services.uploads.markAbandoned(deps.orm.em.fork(), new Date(Date.now() - config.uploads.expiryMs));
      if (removed || abandoned) logger.info({ removed, abandoned }, 'cleaned up abandoned uploads');
    },
    resumeUnprocessed,
    async stop() {
      clearInterval(sweeper);
      await locker.stop();
    },
  };
}
