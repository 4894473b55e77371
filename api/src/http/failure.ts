import type { Response } from 'express';
import { databaseUnavailableOf } from '../db/unavailable';
import type { Logger } from '../logger';

/**
 * Answers a request that failed for a reason not the caller's, in the JSON shape of the routes
 * outside GraphQL (`{ error, code, reason, requestId }`), logged with its request id as `what`. The
 * database out of reach is a moment's absence: 503 SERVICE_UNAVAILABLE with Retry-After. Anything
 * else is 500 INTERNAL_SERVER_ERROR, its details in the log only. An answer already under way is cut
 * short (its client sees the body end early), since no status can follow it.
 */
export function answerFailure(res: Response, error: unknown, logger: Logger, what: string): void {
  const requestId = res.locals.requestId as string | undefined;
  logger.error({ err: error, requestId }, what);
  if (res.headersSent) return void res.destroy();
  const refusal = databaseUnavailableOf(error);
  if (refusal) {
    res.setHeader('Retry-After', refusal.retryAfterSeconds);
    return void res.status(503).json({ error: refusal.message, code: refusal.code, reason: refusal.reason, retryAfterSeconds: refusal.retryAfterSeconds, requestId });
  }
  res.status(500).json({ error: 'Something went wrong on our side.', code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL_SERVER_ERROR', requestId });
}
