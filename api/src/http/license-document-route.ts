import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type Response } from 'express';
import type { Logger } from '../logger';
import { LICENSE_DOCUMENT_PATH } from '../modules/chain-of-title/license-document.service';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';
import { sendStored } from './media-route';

/**
 * License documents (contract PDFs) at `/media/license-documents/<id>?expires&signature`: the signed,
 * expiring URL that `LicenseDocument.downloadUrl` hands to the studio and the operator's people only.
 * A tampered, incomplete or expired URL is 403; a removed document, or one whose file is missing, 404. Downloaded, never rendered inline.
 */
export function licenseDocumentRouter(deps: { orm: MikroORM; logger: Logger; services: Services; storage: MediaStorage }): Router {
  const router = Router();
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
      await sendStored(req, res, deps.storage, found.storageKey, { disposition: `attachment; filename*=UTF-8''${encodeURIComponent(found.fileName)}` });
    } catch (error) {
      // Deleted between the check and the read: still the document's file missing, not our failure.
      if (!res.headersSent && isMissingFile(error)) return void missing(res, String(req.params.documentId));
      deps.logger.error({ err: error, requestId: res.locals.requestId }, 'serving a license document failed');
      if (res.headersSent) res.destroy();
      else res.status(500).json({ error: 'Something went wrong on our side.', requestId: res.locals.requestId });
    }
  });
  return router;
}

function missing(res: Response, documentId: string): void {
  res.status(404).json({ error: `The file of license document ${documentId} is missing from storage; attach the PDF again.`, code: 'NOT_FOUND' });
}

function isMissingFile(error: unknown): boolean {
  const e = error as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.code === 'ENOENT' || e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
