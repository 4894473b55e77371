import { randomBytes } from 'node:crypto';
import { Server, TUS_VERSION, type ServerOptions } from '@tus/server';
import type { DataStore, Upload } from '@tus/utils';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { IncomingMessage } from 'node:http';
import pg from 'pg';
import type { Config } from '../config';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import { databaseUnavailableOf } from '../db/unavailable';
import { DomainError, type RateLimitedError } from '../domain/errors';
import { ChunkPool } from './chunk-pool';
import { GATHERED_CHUNK_BYTES, gatheredBody } from './gathered-body';
import type { RequestContext } from '../domain/request-context';
import type { Logger } from '../logger';
import { acceptUploadMetadata, decodeUploadMetadata, formatBytes, UploadRefusedError, type UploadOwner } from '../modules/media/upload.service';
import type { Services } from '../services';
import { PostgresLocker, type LockTakenAhead } from './postgres-locker';
import { creationBodyRefusal, headerRefusal, libraryRefusal, protocolRefusal, REFUSAL_HEADER, sendUploadRefusal, statusOfRefusal, UploadFailedError, type Refusal } from './upload-refusals';
import { createUploadStore, uploadsAwaitingProcessing } from './upload-stores';

export const UPLOADS_PATH = '/uploads';

/** tus ids are 32 lowercase hex characters; anything else (traversal, encoded slashes, NUL) names no upload. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

type TusRequest = { runtime?: { node?: { req: IncomingMessage } } };

export interface UploadServer {
  /**
   * Starts reading the upload a request names (its status and studio), so the read runs while the
   * caller is authenticated; `handle` decides on it.
   */
  readAhead(req: ExpressRequest): void;
  /**
   * Serves one tus request once `admitted` (the rate limit) resolves with no refusal; a refusal it
   * resolves with is sent as the answer (once whatever the request took is let go).
   */
  handle(req: ExpressRequest, res: ExpressResponse, ctx: RequestContext, admitted: Promise<RateLimitedError | undefined>): Promise<void>;
  /** Processes complete uploads nobody claimed, then removes and abandons uploads left unfinished past expiry. */
  cleanUpExpired(): Promise<void>;
  /**
   * Uploads finished while no process was there to handle them (a crash between the last byte and
   * the claim, or midway through processing).
   */
  resumeUnprocessed(): Promise<void>;
  /**
   * Stops processing as the process stops: no new processing starts, the runs under way are cut
   * (their ffmpeg killed) and their claims handed back, so another process takes them at once. The
   * cut is made before this returns its promise (before any await), so a signal handler that calls it
   * first stops the runs before a child killed by the same signal could be taken for a damaged file.
   * Resolves once the runs have let go.
   */
  stopProcessing(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The tus endpoint: resumable uploads into a local folder (FileStore) or an S3 bucket (S3Store),
 * with upload state in PostgreSQL and locks shared through PostgreSQL advisory locks, so several API
 * processes can serve one upload and a restart loses nothing.
 */
export async function createUploadServer(deps: { orm: MikroORM; config: Config; logger: Logger; services: Services; databaseUrl: string }): Promise<UploadServer> {
  const { config, logger, services } = deps;
  // Upload state and claims: short statements only (locks live on a session of their own), and a
  // request that cannot get a connection within 10 s is refused rather than left hanging.
  const pool = new pg.Pool({ connectionString: deps.databaseUrl, max: 20, connectionTimeoutMillis: 10_000 });
  pool.on('error', (err) => logger.warn({ err }, 'upload state connection error'));
  const locker = new PostgresLocker(deps.databaseUrl, (locksHeld) => logger.warn({ locksHeld }, 'the upload lock session was lost; the requests holding its locks were stopped'));
  await locker.start();
  // Chunks of request bodies, reused once written (see ChunkPool); 32 free ones are 32 MiB at most.
  const chunks = new ChunkPool(GATHERED_CHUNK_BYTES, 32);
  const uploadStore = createUploadStore(config, pool, chunks);
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  /** The refusal decided for a request, by our hooks or from the library's error; handle() words the response. */
  const refusals = new WeakMap<IncomingMessage, Refusal>();
  /** The read of the upload a request names, started before authentication (see readAhead). */
  const owners = new WeakMap<IncomingMessage, { uploadId: string; read: Promise<UploadOwner | undefined> }>();
  /** The check of an existing upload, started with the rate limit (see handle) and awaited by onIncomingRequest. */
  const checks = new WeakMap<IncomingMessage, { uploadId: string; done: Promise<void> }>();
  /** A PATCH's attempt to take its upload's lock while the rate limit is counted (see handle). */
  const locksAhead = new WeakMap<IncomingMessage, Promise<LockTakenAhead | undefined>>();
  /** Stops a request's body at once, should its upload's lock be lost while it writes (see PostgresLocker). */
  const halts = new WeakMap<IncomingMessage, AbortController>();
  /** The upload a creation request recorded, so a refusal after that point can withdraw it. */
  const started = new WeakMap<IncomingMessage, string>();
  const nodeOf = (req: unknown) => (req as TusRequest).runtime?.node?.req;
  const contextOf = (req: unknown): RequestContext => {
    const node = nodeOf(req);
    const ctx = node && contexts.get(node);
    if (!ctx) throw new Error('upload request without a context');
    return ctx;
  };

  /** Aborted when the process stops (see stopProcessing). */
  const stopping = new AbortController();
  /** Processing under way in this process, waited for when it stops. */
  const processing = new Set<Promise<void>>();
  /**
   * Processes a finished upload; once the process is stopping, hands it over instead (its last PATCH
   * was answered during the drain), so another process's sweep or the next start takes it at once.
   */
  const processFinished = (uploadId: string, log: Logger): Promise<void> => {
    const work = stopping.signal.aborted
      ? services.media.handOver(deps.orm.em.fork(), uploadId).then(
          (handed) => handed && log.info({ uploadId }, 'an upload finished while the process stopped; handed over for processing'),
          (err: unknown) => log.warn({ err, uploadId }, 'handing over a finished upload failed; the next start or clean-up processes it'),
        )
      : processClaimed(uploadId, log);
    const run = work.then(() => undefined).finally(() => processing.delete(run));
    processing.add(run);
    return run;
  };
  const processClaimed = async (uploadId: string, log: Logger) => {
    const em = deps.orm.em.fork();
    const claim = await services.media.claim(em, uploadId);
    if (!claim) return;
    // Renewed while this process works; if it dies midway, another process's sweep takes the upload over.
    const lease = services.media.holdClaim(em, claim, log);
    let recorded = false;
    try {
      await services.media.markProcessing(em, uploadId);
      const file = await uploadStore.finishedFile(uploadId);
      try {
        recorded = await services.media.process(em.fork(), uploadId, file, log, { lease, signal: stopping.signal });
      } finally {
        await file.release();
      }
    } finally {
      const held = await lease.settle();
      // Stopped midway: handed back, so the next process takes it at once rather than after the lease.
      if (!recorded && held && stopping.signal.aborted) {
        await services.media.handBackClaim(em, held).then(
          () => log.info({ uploadId }, 'processing stopped with the process; the upload is handed back'),
          (err: unknown) => log.warn({ err, uploadId }, 'handing back an upload failed; another process takes it once its lease lapses'),
        );
      }
    }
    // A process whose claim was taken over leaves the bytes to the one that took it: it reads them still.
    if (!recorded) return;
    // The bytes now live in media storage; drop what tus kept.
    await uploadStore.discard(uploadId).catch((err) => log.warn({ err, uploadId }, 'removing a processed upload failed'));
  };

  const options: ServerOptions & { datastore: DataStore } = {
    path: UPLOADS_PATH,
    datastore: uploadStore.datastore,
    async locker(req) {
      const node = nodeOf(req);
      if (!node) return locker;
      const halt = halts.get(node);
      return locker.forRequest({ ahead: await locksAhead.get(node), halt: halt && (() => halt.abort(new Error("the upload's lock was lost"))) });
    },
    relativeLocation: true,
    maxSize: config.uploads.maxBytes,
    disableTerminationForFinishedUploads: true,
    exposedHeaders: [REFUSAL_HEADER],
    namingFunction: () => randomBytes(16).toString('hex'),
    getFileIdFromRequest: (_req, id) => (id && UPLOAD_ID.test(id) ? id : undefined),
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST') return;
      const node = nodeOf(req);
      const started = node && checks.get(node);
      // The id the check was started for is taken from the path before the library parses it: only
      // the check of the very upload this request names lets it through.
      if (started?.uploadId === uploadId) await started.done;
      else await services.uploads.checkExistingUpload(contextOf(req), uploadId);
    },
    async onUploadCreate(req, upload: Upload) {
      const ctx = contextOf(req);
      const accepted = { id: upload.id, size: upload.size, metadata: acceptUploadMetadata(decodeUploadMetadata(req.headers.get('upload-metadata'))) };
      const episode = await services.uploads.checkNewUpload(ctx, accepted);
      const bodyRefused = creationBodyRefusal(req.headers, upload.size);
      if (bodyRefused) throw bodyRefused;
      await services.uploads.recordStarted(ctx, accepted, episode);
      const node = nodeOf(req);
      if (node) started.set(node, upload.id);
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
    // Every error a request ends with — our hooks' domain errors and the library's own — becomes one refusal here.
    onResponseError(req, error) {
      const node = nodeOf(req);
      // A POST whose upload was recorded failed while writing its own bytes, like a PATCH.
      const stage = req.method === 'POST' && !(node && started.has(node)) ? 'creation' : 'write';
      const refusal = error instanceof DomainError ? error : (databaseUnavailableOf(error) ?? libraryRefusal(error, stage, config.uploads.maxBytes) ?? new UploadFailedError());
      if (refusal instanceof UploadFailedError) logger.error({ err: error }, 'upload request failed');
      if (node) refusals.set(node, refusal);
      return { status_code: statusOfRefusal(refusal), body: `${refusal.message}\n` };
    },
  };
  const server = new Server(options);

  // One pass at a time per process (start-up and each clean-up share it); between processes, the claim decides.
  let resuming: Promise<void> | undefined;
  const resumeUnprocessed = () =>
    (resuming ??= (async () => {
      for (const id of await uploadsAwaitingProcessing(uploadStore, pool)) {
        await processFinished(id, logger).catch((err) => logger.error({ err, uploadId: id }, 'resuming upload processing failed'));
      }
    })().finally(() => (resuming = undefined)));
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

  /**
   * The one way a refusal leaves the endpoint: the reason decided for the request (or, for a header
   * the library refused before asking us, that header's rule), its status from the table, the reason
   * in a header and our words as the body; the library's other headers (Tus-Resumable, CORS) stay.
   */
  const reworded = async (req: IncomingMessage, response: Response): Promise<Response> => {
    const libraryBody = await response.text();
    let refusal = refusals.get(req);
    if (!refusal && response.status === 400 && libraryBody.startsWith('Invalid ')) refusal = headerRefusal(libraryBody);
    if (!refusal) {
      logger.error({ status: response.status, body: libraryBody.slice(0, 200) }, 'upload refusal without a reason');
      refusal = new UploadFailedError();
    }
    const headers = new Headers(response.headers);
    headers.set(REFUSAL_HEADER, refusal.reason);
    headers.set('Content-Type', 'text/plain; charset=utf-8');
    headers.delete('Content-Length');
    return new Response(`${refusal.message}\n`, { status: statusOfRefusal(refusal), headers });
  };

  /** The upload id a request's path names, if it names one. */
  const namedUpload = (req: ExpressRequest) => {
    const named = req.method !== 'POST' && req.method !== 'OPTIONS' ? req.path.slice(UPLOADS_PATH.length + 1) : '';
    return UPLOAD_ID.test(named) ? named : undefined;
  };

  /** One tus request once its checks are under way: the rate limit's answer first, then the library. */
  const serve = async (req: ExpressRequest, res: ExpressResponse, ctx: RequestContext, admitted: Promise<RateLimitedError | undefined>, releaseAhead: () => Promise<void>) => {
    const limited = await admitted;
    if (limited) {
      await releaseAhead();
      return sendUploadRefusal(res, limited);
    }
    const early = protocolRefusal(req.method, req.get('tus-resumable'));
    if (early) {
      res.setHeader('Tus-Version', TUS_VERSION.join(','));
      return sendUploadRefusal(res, early);
    }
    // A length of digits past the limit is too large however many digits it has (the library calls one past 2^53 invalid).
    const declared = req.method === 'POST' ? req.get('upload-length') : undefined;
    if (declared && /^\d+$/.test(declared) && BigInt(declared) > BigInt(config.uploads.maxBytes)) {
      return sendUploadRefusal(res, new UploadRefusedError('UPLOAD_TOO_LARGE', `The file is larger than the ${formatBytes(config.uploads.maxBytes)} limit (Upload-Length).`));
    }
    const request = new NodeRequest({ req, res });
    // The bytes reach the store in chunks of a megabyte instead of the socket's 64 KiB (see gatheredBody).
    if (req.method === 'PATCH' || req.method === 'POST') {
      let body: ReadableStream<Uint8Array> | undefined;
      const halt = new AbortController();
      halts.set(req, halt);
      Object.defineProperty(request, 'body', { get: () => (body ??= gatheredBody(req, { halt: halt.signal, pool: chunks })), configurable: true });
    }
    const response = await server.handleWeb(request as unknown as Request);
    await releaseAhead();
    // A cancellation is recorded before its answer leaves (the library's POST_TERMINATE event comes
    // after the answer is made), so whoever reads the upload after the 204 sees it cancelled.
    const cancelled = req.method === 'DELETE' && response.status === 204 ? namedUpload(req) : undefined;
    if (cancelled) await services.uploads.recordTerminated(ctx, cancelled).catch((err) => ctx.logger.error({ err, uploadId: cancelled }, 'recording a cancelled upload failed'));
    const recorded = started.get(req);
    // A refusal changes nothing: a creation refused after it was recorded is withdrawn before the answer leaves.
    if (recorded && response.status >= 400) {
      await services.uploads.withdrawStarted(ctx, recorded);
      await uploadStore.discard(recorded).catch((err) => ctx.logger.warn({ err, uploadId: recorded }, 'removing a withdrawn upload failed'));
    }
    await sendNodeResponse(res, response.status < 400 ? response : await reworded(req, response));
  };

  return {
    readAhead(req) {
      const uploadId = namedUpload(req);
      if (!uploadId) return;
      const read = services.uploads.readUploadOwner(deps.orm.em, uploadId);
      // Awaited by the check; a request refused before it (say, unauthenticated) must not leave it unhandled.
      read.catch(() => undefined);
      owners.set(req, { uploadId, read });
    },
    async handle(req, res, ctx, admitted) {
      contexts.set(req, ctx);
      const named = namedUpload(req);
      let ahead: Promise<LockTakenAhead | undefined> | undefined;
      if (named) {
        const owner = owners.get(req);
        const done = services.uploads.checkExistingUpload(ctx, named, owner?.uploadId === named ? owner.read : undefined);
        // Awaited by onIncomingRequest; a request refused before that point must not leave it unhandled.
        done.catch(() => undefined);
        checks.set(req, { uploadId: named, done });
        // Once the caller may write to the upload, a PATCH tries to take its lock while the rate
        // limit is counted, instead of after it; the library's lock adopts it (see PostgresLocker).
        if (req.method === 'PATCH') {
          ahead = done.then(() => locker.takeAhead(named), () => undefined);
          locksAhead.set(req, ahead);
        }
      }
      // Not adopted when the request was refused before the library locked: let go of it before answering.
      const releaseAhead = async () => (await ahead)?.release();
      try {
        await serve(req, res, ctx, admitted, releaseAhead);
      } finally {
        await releaseAhead();
      }
    },
    async cleanUpExpired() {
      // A complete upload nobody claimed (its process stopped after the last PATCH) is processed
      // first, not abandoned: claimed, it is PROCESSING, which expiry leaves alone; and an expired
      // upload takes no new PATCH, so no other upload can complete behind this pass.
      await resumeUnprocessed();
      const removed = await uploadStore.removeExpired();
      const abandoned = await services.uploads.markAbandoned(deps.orm.em.fork(), new Date(Date.now() - config.uploads.expiryMs));
      if (removed || abandoned) logger.info({ removed, abandoned }, 'cleaned up abandoned uploads');
    },
    resumeUnprocessed,
    stopProcessing() {
      stopping.abort();
      clearInterval(sweeper);
      return Promise.allSettled([...processing, resuming]).then(() => undefined);
    },
    async stop() {
      clearInterval(sweeper);
      // Hand-overs of uploads whose last PATCH was answered during the drain.
      await Promise.allSettled([...processing]);
      await locker.stop();
      await pool.end();
    },
  };
}
