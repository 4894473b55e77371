import type { MikroORM } from '@mikro-orm/postgresql';
import { create as contentDisposition } from 'content-disposition';
import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config';
import { DomainError } from '../domain/errors';
import { requestContext } from '../graphql/context';
import type { Logger } from '../logger';
import { LICENSE_DOCUMENT_PATH, tooLarge } from '../modules/chain-of-title/license-document.service';
import type { RequestContext } from '../domain/request-context';
import type { RequestRateLimiter } from './rate-limit';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';
import { sendStored } from './media-route';
import { answerFailure } from './failure';

/** Where license documents are attached (POST, the PDF as the body). */
export const LICENSE_DOCUMENTS_UPLOAD_PATH = '/license-documents';

/**
 * License documents (contract PDFs) at `/media/license-documents/<id>?expires&signature`: the signed,
 * expiring URL that `LicenseDocument.downloadUrl` hands to the studio and the operator's people only.
 * A tampered, incomplete or expired URL is 403; a removed document, or one whose file is missing, 404. Downloaded, never rendered inline.
 */
export function licenseDocumentRouter(deps: { orm: MikroORM; config: Config; logger: Logger; services: Services; storage: MediaStorage; rateLimiter: RequestRateLimiter }): Router {
  const router = Router();
  const maxBytes = deps.config.licenseDocuments.maxBytes;

  // Attaching: `POST /license-documents?seriesId=<id>&fileName=<name>` with the PDF as the body
  // (`Content-Type: application/pdf`, at most `LICENSE_DOCUMENT_MAX_BYTES`). The caller is
  // authenticated (a signed-in owner or editor of the series' studio) before the body is read.
  router.post(
    LICENSE_DOCUMENTS_UPLOAD_PATH,
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const ctx = await requestContext(deps, req, res);
        if (ctx.actor.kind !== 'user') {
          const apiKey = ctx.actor.kind === 'apiKey';
          return void res.status(apiKey ? 403 : 401).json({ error: apiKey ? 'License documents are attached by a signed-in studio member, not an API key.' : (ctx.authFailure?.message ?? 'Sign in to attach a license document.'), code: apiKey ? 'FORBIDDEN' : 'UNAUTHENTICATED' });
        }
        if (!(await deps.rateLimiter.admit(ctx.actor, req, res))) return;
        if (!req.is('application/pdf')) return void res.status(415).json({ error: 'Send the file as the request body with Content-Type: application/pdf.', code: 'BAD_USER_INPUT', field: 'file' });
        res.locals.licenseDocumentContext = ctx;
        next();
      } catch (error) {
        next(error);
      }
    },
    // No Content-Encoding: a compressed body would be measured against the limit only once inflated.
    express.raw({ type: 'application/pdf', limit: maxBytes, inflate: false }),
    ((error, _req, res, next) => {
      // body-parser's refusals, in the route's JSON shape (never its HTML page).
      const type = (error as { type?: string }).type;
      if (!type) return next(error);
      if (type === 'entity.too.large') return void res.status(413).json({ error: tooLarge(maxBytes), code: 'BAD_USER_INPUT', field: 'file' });
      if (type === 'encoding.unsupported') return void res.status(415).json({ error: 'Send the PDF as it is, without a Content-Encoding.', code: 'BAD_USER_INPUT', field: 'file' });
      res.status(400).json({ error: 'The request body could not be read; send the PDF again.', code: 'BAD_USER_INPUT', field: 'file' });
    }) as ErrorRequestHandler,
    async (req: Request, res: Response) => {
      const ctx = res.locals.licenseDocumentContext as RequestContext;
      try {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const document = await deps.services.licenseDocuments.attach(ctx, String(req.query.seriesId ?? ''), { fileName: String(req.query.fileName ?? ''), bytes });
        res.status(201).json({ id: document.id, fileName: document.fileName, sizeBytes: document.sizeBytes, sha256: document.sha256, createdAt: document.createdAt, downloadUrl: deps.services.licenseDocuments.downloadUrl(document) });
      } catch (error) {
        if (error instanceof DomainError) {
          const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 }[error.code as string] ?? 409;
          return void res.status(status).json({ error: error.message, code: error.code, reason: error.reason, ...(typeof error.details.field === 'string' ? { field: error.details.field } : {}) });
        }
        answerFailure(res, error, deps.logger, 'attaching a license document failed');
      }
    },
  );

  router.get(`${LICENSE_DOCUMENT_PATH}/:documentId`, async (req, res) => {
    const { expires, signature } = req.query as Record<string, string | undefined>;
    try {
      const found = await deps.services.licenseDocuments.fromSignedUrl({ em: deps.orm.em.fork() }, String(req.params.documentId), expires, signature);
      if (found === 'invalid') return void res.status(403).json({ error: 'This download URL is not valid.', code: 'FORBIDDEN' });
      if (found === 'expired') return void res.status(403).json({ error: 'This download URL has expired; open the license again for a new one.', code: 'FORBIDDEN' });
      if (found === 'gone') return void res.status(404).json({ error: 'This document was removed.', code: 'NOT_FOUND' });
      if (!(await deps.storage.exists(found.storageKey))) return void missing(res, found.id);
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      await sendStored(req, res, deps.storage, found.storageKey, { disposition: attachmentDisposition(found.fileName) });
    } catch (error) {
      // Deleted between the check and the read: still the document's file missing, not our failure.
      if (!res.headersSent && isMissingFile(error)) return void missing(res, String(req.params.documentId));
      answerFailure(res, error, deps.logger, 'serving a license document failed');
    }
  });
  return router;
}

/**
 * `Content-Disposition: attachment` naming the file (RFC 6266): an ISO-8859-1 `filename` fallback with
 * `?` for what it cannot hold (quotes escaped, control characters never passed through) and, when
 * that differs, the exact name as RFC 8187 `filename*`.
 */
export function attachmentDisposition(fileName: string): string {
  return contentDisposition(fileName, { type: 'attachment' });
}

function missing(res: Response, documentId: string): void {
  res.status(404).json({ error: `The file of license document ${documentId} is missing from storage; attach the PDF again.`, code: 'NOT_FOUND' });
}

function isMissingFile(error: unknown): boolean {
  const e = error as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.code === 'ENOENT' || e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
