import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config';
import { DomainError } from '../domain/errors';
import { requestContext } from '../graphql/context';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';

/**
 * Authenticated, range-capable media: `/media/<revisionId>/video` and `/media/<revisionId>/poster.jpg`.
 * Nothing is public; revisions are immutable, so browsers may cache them privately.
 */
export function mediaRouter(deps: { orm: MikroORM; config: Config; logger: Logger; services: Services; storage: MediaStorage }): Router {
  const router = Router();
  const serve = (part: 'video' | 'poster') => async (req: Request, res: Response) => {
    try {
      const ctx = await requestContext(deps, req, res);
      const revision = await deps.services.media.playable(ctx, String(req.params.revisionId));
      const key = part === 'video' ? revision.storageKey : revision.posterKey;
      if (!key) throw new Error('media revision without a poster');
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      const local = deps.storage.localPath?.(key);
      if (local) {
        res.sendFile(local, { acceptRanges: true, dotfiles: 'deny', headers: { 'Content-Disposition': 'inline' } });
        return;
      }
      res.status(501).json({ error: 'This storage cannot serve media directly.' });
    } catch (error) {
      if (error instanceof DomainError) {
        const status = error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 404;
        res.status(status).json({ error: error.message, code: error.code });
        return;
      }
      deps.logger.error({ err: error, requestId: res.locals.requestId }, 'serving media failed');
      res.status(500).json({ error: 'Something went wrong on our side.', requestId: res.locals.requestId });
    }
  };
  router.get('/media/:revisionId/video', serve('video'));
  router.get('/media/:revisionId/poster.jpg', serve('poster'));
  return router;
}
