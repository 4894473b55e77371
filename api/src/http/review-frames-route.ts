import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import type { Config } from '../config';
import { DomainError } from '../domain/errors';
import { requestContext } from '../graphql/context';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { MediaStorage } from '../uploads/storage';
import { sendStored } from './media-route';
import { answerFailure } from './failure';

/**
 * Keyframes sampled by the screening, for reviewers (and for the studio once findings are visible
 * to it): `/media/frames/<caseId>/<index>.jpg`.
 */
export function reviewFramesRouter(deps: { orm: MikroORM; config: Config; logger: Logger; services: Services; storage: MediaStorage }): Router {
  const router = Router();
  router.get('/media/frames/:caseId/:index.jpg', async (req, res) => {
    try {
      const ctx = await requestContext(deps, req, res);
      const reviewCase = await deps.services.reviews.get(ctx, String(req.params.caseId));
      const assessment = await deps.services.reviews.assessment(ctx, reviewCase);
      const frame = assessment?.keyframes[Number(req.params.index)] as { key?: string } | undefined;
      if (!frame?.key) {
        res.status(404).json({ error: 'No such keyframe.', code: 'NOT_FOUND' });
        return;
      }
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      await sendStored(req, res, deps.storage, frame.key);
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 404).json({ error: error.message, code: error.code });
        return;
      }
      answerFailure(res, error, deps.logger, 'serving a keyframe failed');
    }
  });
  return router;
}
